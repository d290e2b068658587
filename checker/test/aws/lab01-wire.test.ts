/**
 * Lab 01 at the wire level: the real SDK clients talk to a loopback server
 * that answers in AWS's formats (awsQuery XML for RDS and CloudFormation,
 * EC2 query XML for DescribeSecurityGroups), so the SDK's own serialisers and
 * deserialisers run on DescribeDBInstances, DescribeDBParameters,
 * RebootDBInstance and DescribeEvents.
 */
import { lab01 } from '../../../labs/01-rds-multi-az/lab.js';
import { DescribeDBInstancesCommand, DescribeDBParametersCommand } from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { classifyAwsError } from '../../aws/errors.js';
import { findRdsInstanceResources } from '../../aws/rds-resources.js';
import { LAB01_AWS_CHECKS, runLab01AwsChecks } from '../../checks/01-rds-multi-az/aws.js';
import { runLab01FailoverDrill } from '../../checks/01-rds-multi-az/failover-drill.js';
import { fixture, lifecycleWireAnswer, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';
import { DECEMBER_2026, LIFECYCLES } from './helpers.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const DB_ID = 'datatierlabs-01-rdsmultiaz-databaseinstance6b2e4c1d-q8x3m2ab7kfz';
const PARAMS = 'datatierlabs-01-rdsmultiaz-databaseinstanceparametergroup7c1d2e3f-abcdefghij12';

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function setup(handler: WireHandler): Promise<{ server: WireServer; clients: AwsClients }> {
  server = await startWireServer(handler);
  clients = makeAwsClients({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  return { server, clients };
}

afterEach(async () => {
  if (clients) destroyAwsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

const multiAz = () => fixture('rds-describe-db-instances-lab01-multi-az.xml');
/** The same instance after a failover: the primary in us-east-1b, the standby in us-east-1a. */
const failedOver = () =>
  multiAz()
    .replace('<AvailabilityZone>us-east-1a</AvailabilityZone>', '<AvailabilityZone>us-east-1b</AvailabilityZone>')
    .replace('<SecondaryAvailabilityZone>us-east-1b</SecondaryAvailabilityZone>', '<SecondaryAvailabilityZone>us-east-1a</SecondaryAvailabilityZone>');

describe('RDS DescribeDBInstances over the wire (awsQuery XML)', () => {
  it('parses a Multi-AZ instance with every field the Lab 1 checks read', async () => {
    const { server, clients } = await setup(() => xml(multiAz()));
    const out = await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB_ID }));
    const req = server.requests[0]!;
    expect(req.form?.get('Action')).toBe('DescribeDBInstances');
    expect(req.form?.get('Version')).toBe('2014-10-31');
    expect(req.form?.get('DBInstanceIdentifier')).toBe(DB_ID);
    expect(req.headers.authorization).toMatch(/Credential=AKIAFAKEFORTESTS0000\/\d{8}\/us-east-1\/rds\/aws4_request/);

    const db = out.DBInstances?.[0];
    expect(db).toMatchObject({
      DBInstanceIdentifier: DB_ID,
      Engine: 'mysql',
      EngineVersion: '8.4.10',
      MultiAZ: true,
      AvailabilityZone: 'us-east-1a',
      SecondaryAvailabilityZone: 'us-east-1b',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      BackupRetentionPeriod: 7,
      AllocatedStorage: 20,
      MaxAllocatedStorage: 100,
      MonitoringInterval: 60,
      Endpoint: { Port: 3306 },
    });
    expect(db?.VpcSecurityGroups).toEqual([{ VpcSecurityGroupId: 'sg-0db1a2b3c4d5e6f70', Status: 'active' }]);
    expect(db?.DBParameterGroups).toEqual([{ DBParameterGroupName: PARAMS, ParameterApplyStatus: 'in-sync' }]);
    expect(db?.ReadReplicaDBInstanceIdentifiers).toEqual([]);
    expect(db?.TagList).toContainEqual({ Key: 'data-tier-labs:lab', Value: '01' });
    expect(db?.InstanceCreateTime).toEqual(new Date('2026-11-21T09:21:37.406Z'));
  });

  it('parses DescribeDBParameters and sends the parameter-name filter', async () => {
    const { server, clients } = await setup(() => xml(fixture('rds-describe-db-parameters.xml')));
    const out = await clients.rds.send(
      new DescribeDBParametersCommand({ DBParameterGroupName: PARAMS, Filters: [{ Name: 'parameter-name', Values: ['require_secure_transport'] }] }),
    );
    const form = server.requests[0]!.form!;
    expect(form.get('Action')).toBe('DescribeDBParameters');
    expect(form.get('DBParameterGroupName')).toBe(PARAMS);
    expect(form.get('Filters.Filter.1.Name')).toBe('parameter-name');
    expect(form.get('Filters.Filter.1.Values.Value.1')).toBe('require_secure_transport');
    expect(out.Parameters).toEqual([
      expect.objectContaining({ ParameterName: 'require_secure_transport', ParameterValue: 'ON', Source: 'user', ApplyType: 'dynamic', IsModifiable: true }),
    ]);
  });

  it('DBInstanceNotFound (404 <ErrorResponse>) -> not-found, and the check names the typo and the lab instance', async () => {
    const { server } = await setup((req) => {
      if (req.operation !== 'DescribeDBInstances') throw new Error(`unexpected ${req.operation}`);
      const id = req.form?.get('DBInstanceIdentifier');
      if (id) return xml(fixture('rds-error-db-instance-not-found.xml', { DBInstanceIdentifier: id }), 404);
      return xml(multiAz());
    });
    const err = await clients!.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dtl01-typo' })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('DBInstanceNotFoundFault');
    expect(classifyAwsError(err)).toBe('not-found');

    const results = await runLab01AwsChecks(clients!, { dbInstanceId: 'dtl01-typo', stackName: 'x', source: 'flags', region: 'us-east-1' });
    expect(results[0]).toMatchObject({ id: '01.aws.db-instance', status: 'fail' });
    expect(results[0]?.message).toBe(`There is no RDS DB instance "dtl01-typo" in us-east-1. The lab's DB instances here: ${DB_ID}.`);
    const listing = server.requests.filter((r) => r.form && !r.form.has('DBInstanceIdentifier'));
    expect(listing).toHaveLength(1);
    expect(listing[0]!.form!.get('MaxRecords')).toBe('100');
  });
});

describe('Lab 1 end to end over the wire', () => {
  it('stack outputs, instance, security group (EC2 query XML) and parameter group: every check passes', async () => {
    const { server } = await setup((req) => {
      const lifecycle = lifecycleWireAnswer(req, LIFECYCLES);
      if (lifecycle) return lifecycle;
      switch (req.operation) {
        case 'DescribeStacks':
          return xml(fixture('lab01-cloudformation-describe-stacks.xml'));
        case 'DescribeDBInstances':
          return xml(multiAz());
        case 'DescribeSecurityGroups':
          return xml(fixture('lab01-ec2-describe-security-groups.xml'));
        case 'DescribeDBParameters':
          return xml(fixture('rds-describe-db-parameters.xml'));
        default:
          throw new Error(`unexpected ${req.operation}`);
      }
    });
    const resources = await findRdsInstanceResources(clients!, lab01.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({
      source: 'stack',
      dbInstanceId: DB_ID,
      dbPort: 3306,
      dbSecurityGroupId: 'sg-0db1a2b3c4d5e6f70',
      bastionSecurityGroupId: 'sg-0ba5710a2b3c4d5e6',
      parameterGroupName: PARAMS,
      bastionInstanceId: 'i-0c1d2e3f4a5b6c7d8',
    });
    const results = await runLab01AwsChecks(clients!, resources, { now: DECEMBER_2026 });
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results).toHaveLength(Object.keys(LAB01_AWS_CHECKS).length);
    expect(results.find((r) => r.id === '01.aws.engine')?.message).toMatch(/^MySQL 8\.4\.\d+, in standard support until 2029-07-31\.$/);
    const majors = server.requests.find((r) => r.operation === 'DescribeDBMajorEngineVersions')!;
    expect([majors.form?.get('Engine'), majors.form?.get('MajorEngineVersion')]).toEqual(['mysql', '8.4']);

    const sgReq = server.requests.find((r) => r.operation === 'DescribeSecurityGroups')!;
    expect(sgReq.form?.get('Version')).toBe('2016-11-15');
    expect(sgReq.form?.get('GroupId.1')).toBe('sg-0db1a2b3c4d5e6f70');
    expect(sgReq.headers.authorization).toMatch(/\/us-east-1\/ec2\/aws4_request/);
  });
});

describe('Lab 1 engine lifecycle over the wire (RDS awsQuery XML)', () => {
  it('fails MySQL 8.0 on Extended Support, with the cost, from the dates RDS returns', async () => {
    await setup((req) => {
      const lifecycle = lifecycleWireAnswer(req, LIFECYCLES);
      if (lifecycle) return lifecycle;
      switch (req.operation) {
        case 'DescribeStacks':
          return xml(fixture('lab01-cloudformation-describe-stacks.xml'));
        case 'DescribeDBInstances':
          return xml(multiAz().replace(/<EngineVersion>8\.4\.\d+<\/EngineVersion>/, '<EngineVersion>8.0.43</EngineVersion>'));
        case 'DescribeSecurityGroups':
          return xml(fixture('lab01-ec2-describe-security-groups.xml'));
        case 'DescribeDBParameters':
          return xml(fixture('rds-describe-db-parameters.xml'));
        default:
          throw new Error(`unexpected ${req.operation}`);
      }
    });
    const resources = await findRdsInstanceResources(clients!, lab01.stack, { region: 'us-east-1' });
    const results = await runLab01AwsChecks(clients!, resources, { now: DECEMBER_2026 });
    const engine = results.find((r) => r.id === '01.aws.engine')!;
    expect(engine.status).toBe('fail');
    expect(engine.message).toMatch(
      /8\.0\.43 is past standard support: RDS ended standard support for mysql 8\.0 on 2026-07-31.*Extended Support.*\$0\.100 per vCPU-hour/,
    );
  });
});

describe('Lab 1 failover drill over the wire', () => {
  it('RebootDBInstance with ForceFailover=true, polls until the AZ switched, and parses the failover events', async () => {
    let t = Date.parse('2026-11-22T12:00:00Z');
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    let rebootAt: number | undefined;
    const { server } = await setup((req) => {
      switch (req.operation) {
        case 'DescribeDBInstances': {
          if (rebootAt === undefined) return xml(multiAz());
          if (t - rebootAt < 25_000)
            return xml(multiAz().replace('<DBInstanceStatus>available</DBInstanceStatus>', '<DBInstanceStatus>rebooting</DBInstanceStatus>'));
          return xml(failedOver());
        }
        case 'RebootDBInstance':
          rebootAt = t;
          return xml(fixture('rds-reboot-db-instance.xml'));
        case 'DescribeEvents':
          return xml(fixture('rds-describe-events-failover.xml'));
        default:
          throw new Error(`unexpected ${req.operation}`);
      }
    });
    const result = await runLab01FailoverDrill({
      clients: clients!,
      dbInstanceId: DB_ID,
      confirm: async () => true,
      probe: async () => {
        const s = (t - Date.parse('2026-11-22T12:00:00Z')) / 1000;
        return s >= 3 && s < 21 ? { ok: false, error: 'connect ETIMEDOUT' } : { ok: true, serverId: s < 3 ? 1001 : 1002 };
      },
      now: clock.now,
      sleep: clock.sleep,
    });

    const reboot = server.requests.find((r) => r.operation === 'RebootDBInstance')!;
    expect(reboot.form?.get('DBInstanceIdentifier')).toBe(DB_ID);
    expect(reboot.form?.get('ForceFailover')).toBe('true');
    const events = server.requests.find((r) => r.operation === 'DescribeEvents')!;
    expect(events.form?.get('SourceIdentifier')).toBe(DB_ID);
    expect(events.form?.get('SourceType')).toBe('db-instance');
    expect(events.form?.get('EventCategories.EventCategory.1')).toBe('failover');
    expect(events.form?.get('StartTime')).toBe('2026-11-22T11:59:00Z');

    expect(result).toMatchObject({ completed: true, oldAz: 'us-east-1a', newAz: 'us-east-1b', secondsWithoutService: 18, durationSeconds: 25 });
    expect(result.serverIds).toEqual(['1001', '1002']);
    expect(result.events.map((e) => [e.date.toISOString(), e.message])).toEqual([
      ['2026-11-22T12:00:03.512Z', 'Multi-AZ instance failover started.'],
      ['2026-11-22T12:00:24.087Z', 'Multi-AZ failover to standby complete - DNS propagation may take a few minutes.'],
      ['2026-11-22T12:00:29.740Z', 'Multi-AZ instance failover completed'],
    ]);
    expect(result.events[0]?.categories).toEqual(['failover']);
  });
});
