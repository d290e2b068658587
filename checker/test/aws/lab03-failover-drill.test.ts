import 'aws-sdk-client-mock-vitest/extend';
import { DescribeDBClustersCommand, DescribeEventsCommand, FailoverDBClusterCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { drillCheck, runLab03FailoverDrill, type Lab03DrillOptions } from '../../checks/03-aurora-cluster/failover-drill.js';
import type { ClientReport } from '../../checks/03-aurora-cluster/drill-report.js';
import { EnvironmentError } from '../../core/errors.js';
import { awsError, fakeClients } from './helpers.js';

const rds = mockClient(RDSClient);
const CL = 'dtl03-aurora';
const W = 'dtl03-aurora-writer';
const R1 = 'dtl03-aurora-reader-1';

function cluster(writer: string, overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: CL,
    Status: 'available',
    DBClusterMembers: [W, R1].map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer })),
    ...overrides,
  };
}

const dnsOnly: ClientReport = { attempts: 90, failures: 24, secondsWithoutService: 26.5, landedOnReader: 9, servers: [W, R1] };
const aware: ClientReport = { attempts: 90, failures: 7, secondsWithoutService: 7.2, landedOnReader: 0, servers: [W, R1] };

/** A fake exercise process: it announces the clients, lets the drill run a moment, then reports. */
function clients(measurement: unknown, announce = true): Lab03DrillOptions['runClients'] {
  return async (onEvent) => {
    if (announce) onEvent('probe-started');
    await new Promise((r) => setTimeout(r, 30));
    return measurement;
  };
}

let clock = 0;
function options(overrides: Partial<Lab03DrillOptions> = {}): Lab03DrillOptions {
  clock = Date.parse('2026-11-22T12:00:00Z');
  return {
    clients: fakeClients(),
    clusterId: CL,
    confirm: async () => true,
    runClients: clients({ dnsOnly, topologyAware: aware }),
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    ...overrides,
  };
}

beforeEach(() => {
  rds.reset();
  rds.on(DescribeEventsCommand).resolves({
    Events: [
      {
        SourceIdentifier: CL,
        Message: `Started cross AZ failover to DB instance: ${R1}`,
        Date: new Date('2026-11-22T12:00:03Z'),
        EventCategories: ['failover'],
      },
    ],
  });
});

describe('runLab03FailoverDrill', () => {
  it('fails the cluster over once the clients write, and reports both clients next to what RDS saw', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster(W)] })
      .resolvesOnce({ DBClusters: [cluster(W)] })
      .resolves({ DBClusters: [cluster(R1)] });
    rds.on(FailoverDBClusterCommand).resolves({ DBCluster: cluster(W, { Status: 'failing-over' }) });
    let plan: unknown;
    const result = await runLab03FailoverDrill(options({ confirm: async (p) => ((plan = p), true) }));
    expect(plan).toEqual({ clusterId: CL, writer: W, readers: [R1] });
    expect(rds).toHaveReceivedCommandTimes(FailoverDBClusterCommand, 1);
    expect(rds).toHaveReceivedCommandWith(FailoverDBClusterCommand, { DBClusterIdentifier: CL });
    expect(rds).toHaveReceivedCommandWith(DescribeEventsCommand, { SourceType: 'db-cluster', SourceIdentifier: CL, EventCategories: ['failover'] });
    expect(result).toMatchObject({ completed: true, oldWriter: W, newWriter: R1, writerChangedAfterSeconds: 6, comparison: { dnsOnly, topologyAware: aware } });
    const check = drillCheck(result);
    expect(check).toMatchObject({ id: '03.aws.failover-drill', status: 'pass', group: 'aws' });
    expect(check.message).toContain(`${W} -> ${R1}, seen by RDS after 6 s`);
    expect(check.message).toMatch(/seconds without service\s+26\.5\s+7\.2/);
    expect(check.message).toContain('Started cross AZ failover');
  });

  it('a topology-aware client that wrote to a reader fails the drill check', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster(W)] })
      .resolves({ DBClusters: [cluster(R1)] });
    rds.on(FailoverDBClusterCommand).resolves({});
    const result = await runLab03FailoverDrill(options({ runClients: clients({ dnsOnly, topologyAware: { ...aware, landedOnReader: 3 } }) }));
    expect(drillCheck(result)).toMatchObject({ status: 'fail' });
    expect(drillCheck(result).message).toContain('reached a reader 3 times');
  });

  it('a client that ends on another server than the one RDS names the writer fails', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster(W)] })
      .resolves({ DBClusters: [cluster(R1)] });
    rds.on(FailoverDBClusterCommand).resolves({});
    const result = await runLab03FailoverDrill(
      options({ runClients: clients({ dnsOnly, topologyAware: { ...aware, servers: [W, 'dtl03-aurora-reader-2'] } }) }),
    );
    const check = drillCheck(result);
    expect(check.status).toBe('fail');
    expect(check.message).toContain(`ended on dtl03-aurora-reader-2, but RDS names ${R1} the writer`);
  });

  it('clients that report no figures fail the check, saying so', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster(W)] })
      .resolves({ DBClusters: [cluster(R1)] });
    rds.on(FailoverDBClusterCommand).resolves({});
    const result = await runLab03FailoverDrill(options({ runClients: clients({ error: 'createTopologyAwareClient is not exported' }) }));
    expect(result.comparison).toBeUndefined();
    const check = drillCheck(result);
    expect(check.status).toBe('fail');
    expect(check.message).toContain('Your clients did not report: createTopologyAwareClient is not exported');
  });

  it('a writer that never changes before the clients finish: not completed, fail', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W)] });
    rds.on(FailoverDBClusterCommand).resolves({});
    const result = await runLab03FailoverDrill(options());
    expect(result.completed).toBe(false);
    expect(drillCheck(result)).toMatchObject({ status: 'fail' });
    expect(drillCheck(result).message).toContain(`RDS still named ${W} the writer`);
  });

  it('refuses without a reader, without confirmation, or when the clients never start - and sends nothing', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W, { DBClusterMembers: [{ DBInstanceIdentifier: W, IsClusterWriter: true }] })] });
    await expect(runLab03FailoverDrill(options())).rejects.toMatchObject({ name: 'DrillRefused', reason: 'no-reader' });
    rds.reset();
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W)] });
    await expect(runLab03FailoverDrill(options({ confirm: async () => false }))).rejects.toMatchObject({ reason: 'not-confirmed' });
    await expect(runLab03FailoverDrill(options({ runClients: clients(undefined, false) }))).rejects.toMatchObject({ reason: 'clients-never-started' });
    rds.reset();
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W, { Status: 'modifying' })] });
    await expect(runLab03FailoverDrill(options())).rejects.toMatchObject({ reason: 'not-available' });
    expect(rds).not.toHaveReceivedCommand(FailoverDBClusterCommand);
  });

  it('a missing cluster is refused with the lab clusters that exist', async () => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CL }).rejects(awsError('DBClusterNotFoundFault', `DBCluster ${CL} not found.`, 404));
    rds.on(DescribeDBClustersCommand, { MaxRecords: 100 }).resolves({ DBClusters: [{ DBClusterIdentifier: 'dtl03-other' }] });
    await expect(runLab03FailoverDrill(options())).rejects.toMatchObject({ reason: 'not-found', message: expect.stringContaining('dtl03-other') });
  });

  it('a busy cluster refuses the failover: an explained error once the clients are done', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W)] });
    rds.on(FailoverDBClusterCommand).rejects(awsError('InvalidDBClusterStateFault', 'Cluster cannot be failed over in its current state.'));
    const err = await runLab03FailoverDrill(options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toContain(`DB cluster ${CL} is busy`);
  });

  it('a denied failover names the IAM action', async () => {
    rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster(W)] });
    rds
      .on(FailoverDBClusterCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::123456789012:user/l is not authorized to perform: rds:FailoverDBCluster', 403));
    await expect(runLab03FailoverDrill(options())).rejects.toThrow(/rds:FailoverDBCluster/);
  });
});
