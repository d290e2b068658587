/**
 * The doctor's Availability Zone line over the wire: EC2's query XML for
 * DescribeAvailabilityZones and DescribeInstanceTypeOfferings, RDS's awsQuery
 * XML for DescribeOrderableDBInstanceOptions, so the SDK's own parsers run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { labs } from '../../../labs/index.js';
import { checkLabAzs } from '../../ops/doctor-checks.js';
import { destroyOpsClients, makeOpsClients, type OpsClients } from '../../ops/clients.js';
import { startWireServer, xml, type WireServer } from '../aws/wire-server.js';

const lab05 = labs.find((l) => l.id === 5)!;
let server: WireServer | undefined;
let clients: OpsClients | undefined;

afterEach(async () => {
  if (clients) destroyOpsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

const zonesXml = (zones: string[]) => `<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>b1a4c2d3-5e6f-4a7b-8c9d-0e1f2a3b4c5d</requestId>
  <availabilityZoneInfo>${zones
    .map(
      (z, i) => `
    <item>
      <zoneName>${z}</zoneName>
      <zoneState>available</zoneState>
      <optInStatus>opt-in-not-required</optInStatus>
      <messageSet/>
      <regionName>eu-west-1</regionName>
      <zoneId>euw1-az${i + 1}</zoneId>
      <groupName>eu-west-1</groupName>
      <networkBorderGroup>eu-west-1</networkBorderGroup>
      <zoneType>availability-zone</zoneType>
    </item>`,
    )
    .join('')}
  </availabilityZoneInfo>
</DescribeAvailabilityZonesResponse>`;

const offeringsXml = (zones: string[]) => `<DescribeInstanceTypeOfferingsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>c2b5d3e4-6f7a-4b8c-9d0e-1f2a3b4c5d6e</requestId>
  <instanceTypeOfferingSet>${zones
    .map(
      (z) => `
    <item>
      <instanceType>t4g.nano</instanceType>
      <locationType>availability-zone</locationType>
      <location>${z}</location>
    </item>`,
    )
    .join('')}
  </instanceTypeOfferingSet>
</DescribeInstanceTypeOfferingsResponse>`;

const orderableXml = (zones: string[]) => `<DescribeOrderableDBInstanceOptionsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeOrderableDBInstanceOptionsResult>
    <OrderableDBInstanceOptions>
      <OrderableDBInstanceOption>
        <Engine>mysql</Engine>
        <EngineVersion>8.4.10</EngineVersion>
        <DBInstanceClass>db.t4g.micro</DBInstanceClass>
        <LicenseModel>general-public-license</LicenseModel>
        <AvailabilityZones>${zones
          .map(
            (z) => `
          <AvailabilityZone><Name>${z}</Name></AvailabilityZone>`,
          )
          .join('')}
        </AvailabilityZones>
        <MultiAZCapable>true</MultiAZCapable>
        <ReadReplicaCapable>true</ReadReplicaCapable>
        <Vpc>true</Vpc>
        <SupportsStorageEncryption>true</SupportsStorageEncryption>
        <StorageType>gp3</StorageType>
        <SupportsIops>true</SupportsIops>
        <SupportsStorageThroughput>true</SupportsStorageThroughput>
        <MinStorageSize>20</MinStorageSize>
        <MaxStorageSize>6144</MaxStorageSize>
        <SupportsPerformanceInsights>false</SupportsPerformanceInsights>
        <SupportedEngineModes><member>provisioned</member></SupportedEngineModes>
        <SupportsStorageAutoscaling>true</SupportsStorageAutoscaling>
        <SupportsKerberosAuthentication>false</SupportsKerberosAuthentication>
        <OutpostCapable>false</OutpostCapable>
        <SupportedNetworkTypes><member>IPV4</member><member>DUAL</member></SupportedNetworkTypes>
        <SupportsGlobalDatabases>false</SupportsGlobalDatabases>
        <SupportsClusters>false</SupportsClusters>
        <SupportsDedicatedLogVolume>true</SupportsDedicatedLogVolume>
        <SupportsHttpEndpoint>false</SupportsHttpEndpoint>
      </OrderableDBInstanceOption>
    </OrderableDBInstanceOptions>
  </DescribeOrderableDBInstanceOptionsResult>
  <ResponseMetadata>
    <RequestId>d3c6e4f5-7a8b-4c9d-0e1f-2a3b4c5d6e7f</RequestId>
  </ResponseMetadata>
</DescribeOrderableDBInstanceOptionsResponse>`;

describe('lab AZ check over the wire', () => {
  it('finds that eu-west-1a lacks the bastion type and suggests --azs eu-west-1b,eu-west-1c', async () => {
    server = await startWireServer((req) => {
      switch (req.operation) {
        case 'DescribeAvailabilityZones':
          return xml(zonesXml(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
        case 'DescribeInstanceTypeOfferings':
          return xml(offeringsXml(['eu-west-1b', 'eu-west-1c']));
        case 'DescribeOrderableDBInstanceOptions':
          return xml(orderableXml(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']));
        default:
          throw new Error(`unexpected ${req.operation}`);
      }
    });
    clients = makeOpsClients({
      region: 'eu-west-1',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake' },
      maxAttempts: 1,
    });
    const line = (await checkLabAzs({ clients, region: 'eu-west-1' }, lab05))!;
    expect(line.status).toBe('fail');
    expect(line.message).toContain('eu-west-1a does not offer t4g.nano (bastion)');
    expect(line.hint).toContain('npm run deploy 5 -- --azs eu-west-1b,eu-west-1c');
    const offerings = server.requests.find((r) => r.operation === 'DescribeInstanceTypeOfferings')!;
    expect(offerings.form?.get('LocationType')).toBe('availability-zone');
    expect(offerings.form?.get('Filter.1.Name')).toBe('instance-type');
    expect(offerings.form?.get('Filter.1.Value.1')).toBe('t4g.nano');
  });
});
