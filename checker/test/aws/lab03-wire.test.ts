/**
 * Lab 03 at the wire level (awsQuery XML, as RDS answers): the stack outputs,
 * DescribeDBClusters for a provisioned cluster encrypted with the AWS-owned
 * key (StorageEncrypted false, StorageEncryptionType sse-rds), its members
 * from a filtered DescribeDBInstances, and the failover drill's
 * FailoverDBCluster and cluster events.
 */
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { afterEach, describe, expect, it } from 'vitest';
import { findProvisionedClusterResources } from '../../aws/aurora-resources.js';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { runLab03AwsChecks } from '../../checks/03-aurora-cluster/aws.js';
import { drillCheck, runLab03FailoverDrill } from '../../checks/03-aurora-cluster/failover-drill.js';
import { fixture, lifecycleWireAnswer, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';
import { DECEMBER_2026, LIFECYCLES } from './helpers.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const CL = 'datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8';
const WRITER = `${CL}-writer`;
const READER1 = `${CL}-reader1`;

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function setup(handler: WireHandler) {
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

/** RDS as it answers before and after a failover. */
function rds(state: { failedOver: boolean; status?: string }): WireHandler {
  return (req) => {
    const lifecycle = lifecycleWireAnswer(req, LIFECYCLES);
    if (lifecycle) return lifecycle;
    switch (req.operation) {
      case 'DescribeStacks':
        return xml(fixture('lab03-cloudformation-describe-stacks.xml'));
      case 'DescribeDBClusters':
        return xml(
          fixture('rds-describe-db-clusters-lab03-provisioned.template.xml', {
            Status: state.status ?? 'available',
            WriterIsWriter: String(!state.failedOver),
            Reader1IsWriter: String(state.failedOver),
          }),
        );
      case 'DescribeDBInstances':
        return xml(fixture('rds-describe-db-instances-lab03-members.xml'));
      case 'FailoverDBCluster':
        state.failedOver = true;
        return xml(fixture('rds-failover-db-cluster.xml'));
      case 'DescribeEvents':
        return xml(fixture('rds-describe-events-cluster-failover.xml'));
      default:
        throw new Error(`unexpected ${req.operation}`);
    }
  };
}

describe('Lab 3 from the wire', () => {
  it('stack outputs -> cluster -> members: every check passes, encryption judged by StorageEncryptionType', async () => {
    const { server } = await setup(rds({ failedOver: false }));
    const resources = await findProvisionedClusterResources(clients!, lab03.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({ clusterId: CL, dbPort: 3306, dbName: 'labdb', bastionInstanceId: 'i-0b3a5c7e9d1f2a4c6', source: 'stack' });
    const report = await runLab03AwsChecks(clients!, resources, { resolve: async () => ['10.0.3.41'], now: DECEMBER_2026 });
    expect(report.checks.find((c) => c.id === '03.aws.engine')?.message).toBe('Aurora MySQL 8.0.mysql_aurora.3.10.4, in standard support until 2028-04-30.');
    const versions = server.requests.find((r) => r.operation === 'DescribeDBEngineVersions')!.form!;
    expect([versions.get('Engine'), versions.get('EngineVersion'), versions.get('IncludeAll')]).toEqual(['aurora-mysql', '8.0.mysql_aurora.3.10.4', 'true']);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['03.aws.cluster', 'pass'],
      ['03.aws.engine', 'pass'],
      ['03.aws.writer', 'pass'],
      ['03.aws.readers', 'pass'],
      ['03.aws.availability-zones', 'pass'],
      ['03.aws.reader-endpoint', 'pass'],
      ['03.aws.encryption', 'pass'],
      ['03.aws.backups', 'pass'],
    ]);
    // What the SDK parsed from the XML, as the target uses it for the endpoints.
    expect(report.cluster).toMatchObject({
      StorageEncrypted: false,
      StorageEncryptionType: 'sse-rds',
      ReaderEndpoint: `${CL}.cluster-ro-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`,
      Port: 3306,
      MasterUserSecret: { SecretArn: expect.stringContaining(':secret:rds!cluster-') },
    });
    expect(report.cluster?.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter])).toEqual([
      [WRITER, true],
      [READER1, false],
      [`${CL}-reader2`, false],
    ]);
    expect(report.instances.map((i) => [i.DBInstanceIdentifier, i.AvailabilityZone, i.Endpoint?.Address])).toEqual([
      [WRITER, 'us-east-1a', `${WRITER}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`],
      [READER1, 'us-east-1b', `${READER1}.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`],
      [`${CL}-reader2`, 'us-east-1a', `${CL}-reader2.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com`],
    ]);
    const members = server.requests.find((r) => r.operation === 'DescribeDBInstances')!.form!;
    expect(members.get('Filters.Filter.1.Name')).toBe('db-cluster-id');
    expect(members.get('Filters.Filter.1.Values.Value.1')).toBe(CL);
  });

  it('a cluster mid-change fails the status check from the wire', async () => {
    await setup(rds({ failedOver: false, status: 'modifying' }));
    const report = await runLab03AwsChecks(clients!, { clusterId: CL, stackName: 'x', source: 'flags' }, { resolve: async () => ['10.0.3.41'] });
    expect(report.checks[0]).toMatchObject({ status: 'fail', message: `DB cluster ${CL} has status "modifying", not "available".` });
  });

  it('the failover drill sends FailoverDBCluster, sees the new writer and reads the cluster events', async () => {
    const { server } = await setup(rds({ failedOver: false }));
    let clock = Date.parse('2026-11-22T12:00:00Z');
    const report = (servers: string[], landed: number) => ({
      attempts: 80,
      failures: 12,
      secondsWithoutService: landed ? 21.4 : 6.3,
      landedOnReader: landed,
      servers,
    });
    const result = await runLab03FailoverDrill({
      clients: clients!,
      clusterId: CL,
      confirm: async () => true,
      runClients: async (onEvent) => {
        onEvent('probe-started');
        await new Promise((r) => setTimeout(r, 100));
        return { dnsOnly: report([WRITER, READER1], 5), topologyAware: report([WRITER, READER1], 0) };
      },
      sleep: async (ms) => {
        clock += ms;
        await new Promise((r) => setTimeout(r, 1));
      },
      now: () => clock,
    });
    const failover = server.requests.find((r) => r.operation === 'FailoverDBCluster')!;
    expect(failover.form?.get('DBClusterIdentifier')).toBe(CL);
    expect(failover.form?.get('TargetDBInstanceIdentifier')).toBeNull();
    const events = server.requests.find((r) => r.operation === 'DescribeEvents')!.form!;
    expect([events.get('SourceType'), events.get('SourceIdentifier'), events.get('EventCategories.EventCategory.1')]).toEqual(['db-cluster', CL, 'failover']);
    expect(result).toMatchObject({ completed: true, oldWriter: WRITER, newWriter: READER1 });
    expect(result.events.map((e) => e.message)).toEqual([
      `Started cross AZ failover to DB instance: ${READER1}`,
      `Completed failover to DB instance: ${READER1}`,
    ]);
    const check = drillCheck(result);
    expect(check.status).toBe('pass');
    expect(check.message).toMatch(/landed on a reader \(stale DNS\)\s+5\s+0/);
  });
});
