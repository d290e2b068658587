/**
 * The aws target for Labs 3, 4 and 6 as the CLI runs it, against a loopback
 * server answering in AWS's wire formats (the SDK honours AWS_ENDPOINT_URL):
 * credentials preflight, stack outputs, the resource checks; and the mapping
 * from a described cluster to the endpoints Lab 3's exercises get.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { lab04 } from '../../../labs/04-aurora-serverless/lab.js';
import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import { parseFlags } from '../../cli/args.js';
import { runOnAws } from '../../cli/aws-target.js';
import { lab03ClusterEndpoints, lab03Hosts } from '../../checks/03-aurora-cluster/aws-plan.js';
import { AURORA_IDENTITY_SQL, AURORA_TOPOLOGY_TABLE } from '../../engines/cluster-topology.js';
import type { MysqlEndpoint } from '../../engines/endpoints.js';
import { fixture, lifecycleWireAnswer, json10, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';
import { LIFECYCLES } from './helpers.js';

const CL = 'datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8';
const KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_PROFILE',
  'HOME',
  'AWS_EC2_METADATA_DISABLED',
] as const;
let saved: Partial<Record<(typeof KEYS)[number], string | undefined>> = {};
let server: WireServer | undefined;

const handler: WireHandler = (req) => {
  const lifecycle = lifecycleWireAnswer(req, LIFECYCLES);
  if (lifecycle) return lifecycle;
  switch (req.operation) {
    case 'GetCallerIdentity':
      return xml(fixture('sts-get-caller-identity.xml'));
    case 'DescribeStacks': {
      const name = req.form?.get('StackName') ?? '';
      return xml(fixture(`lab0${name.includes('-03-') ? 3 : name.includes('-04-') ? 4 : 6}-cloudformation-describe-stacks.xml`));
    }
    case 'DescribeDBClusters':
      return xml(
        req.form?.get('DBClusterIdentifier') === CL
          ? fixture('rds-describe-db-clusters-lab03-provisioned.template.xml', { Status: 'available', WriterIsWriter: 'true', Reader1IsWriter: 'false' })
          : fixture('rds-describe-db-clusters-lab04-serverless.xml'),
      );
    case 'DescribeDBInstances':
      if (req.form?.get('Filters.Filter.1.Values.Value.1') === CL) return xml(fixture('rds-describe-db-instances-lab03-members.xml'));
      return xml(fixture(req.form?.has('Filters.Filter.1.Name') ? 'rds-describe-db-instances-lab04-writer.xml' : 'rds-describe-db-instances-lab06.xml'));
    case 'DescribeAlarmsForMetric':
      return json10(
        fixture(
          (req.json as { MetricName: string }).MetricName === 'CPUUtilization'
            ? 'lab06-cloudwatch-describe-alarms-for-metric-cpu.json'
            : 'lab06-cloudwatch-describe-alarms-for-metric-connections.json',
        ),
      );
    default:
      throw new Error(`unexpected ${req.operation}`);
  }
};

beforeEach(async () => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  server = await startWireServer(handler);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0000',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-wire-tests',
    AWS_REGION: 'us-east-1',
    HOME: mkdtempSync(join(tmpdir(), 'dtl-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
});

afterEach(async () => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await server?.close();
});

const resourcesOnly = (lab: number) => parseFlags([String(lab), '--target', 'aws', '--resources-only', '--json'], 'usage');

describe('runOnAws --resources-only (Labs 3, 4, 6)', () => {
  it('Lab 3: preflight, stack, cluster and members; the AWS checks only', async () => {
    const doc = await runOnAws(lab03, resourcesOnly(3), (go) => go({}));
    expect(doc.target).toBe('aws');
    const byId = Object.fromEntries(doc.checks.map((c) => [c.id, c.status]));
    expect(Object.keys(byId)).toEqual([
      '03.aws.cluster',
      '03.aws.engine',
      '03.aws.writer',
      '03.aws.readers',
      '03.aws.availability-zones',
      '03.aws.reader-endpoint',
      '03.aws.encryption',
      '03.aws.backups',
    ]);
    expect(byId['03.aws.readers']).toBe('pass');
    expect(byId['03.aws.encryption']).toBe('pass');
    expect(server!.requests.map((r) => r.operation).slice(0, 3)).toEqual(['GetCallerIdentity', 'DescribeStacks', 'DescribeDBClusters']);
  });

  it('Lab 4 and Lab 6 from their stacks', async () => {
    const four = await runOnAws(lab04, resourcesOnly(4), (go) => go({}));
    expect(four.checks.map((c) => [c.id, c.status])).toEqual([
      ['04.aws.cluster', 'pass'],
      ['04.aws.engine', 'pass'],
      ['04.aws.scaling', 'pass'],
      ['04.aws.instance-class', 'pass'],
    ]);
    const six = await runOnAws(lab06, resourcesOnly(6), (go) => go({}));
    expect(six.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(six.checks.map((c) => c.id)).toContain('06.aws.alarms');
  });
});

describe('Lab 3 endpoints from the described cluster', () => {
  it('writer, reader, then each instance by identifier (its @@aurora_server_id)', () => {
    const { hosts, instanceIds } = lab03Hosts(
      { Endpoint: 'c.cluster-x.us-east-1.rds.amazonaws.com', ReaderEndpoint: 'c.cluster-ro-x.us-east-1.rds.amazonaws.com', Port: 3306 },
      [
        { DBInstanceIdentifier: 'c-writer', Endpoint: { Address: 'c-writer.x.us-east-1.rds.amazonaws.com', Port: 3306 } },
        { DBInstanceIdentifier: 'c-reader1', Endpoint: { Address: 'c-reader1.x.us-east-1.rds.amazonaws.com' } },
        { DBInstanceIdentifier: 'c-creating' },
      ],
      { clusterId: 'c' },
    );
    expect(hosts.map((h) => h.host)).toEqual([
      'c.cluster-x.us-east-1.rds.amazonaws.com',
      'c.cluster-ro-x.us-east-1.rds.amazonaws.com',
      'c-writer.x.us-east-1.rds.amazonaws.com',
      'c-reader1.x.us-east-1.rds.amazonaws.com',
    ]);
    expect(instanceIds).toEqual(['c-writer', 'c-reader1']);
    const at = (port: number): MysqlEndpoint => ({ host: '127.0.0.1', port, user: 'admin', password: 'p', database: 'labdb', ssl: true });
    const cluster = lab03ClusterEndpoints([at(1), at(2), at(3), at(4)], instanceIds);
    expect(cluster.writer.port).toBe(1);
    expect(cluster.reader.port).toBe(2);
    expect(Object.fromEntries(Object.entries(cluster.instances).map(([id, e]) => [id, e.port]))).toEqual({ 'c-writer': 3, 'c-reader1': 4 });
    expect(cluster.identitySql).toBe(AURORA_IDENTITY_SQL);
    expect(cluster.topologyTable).toBe(AURORA_TOPOLOGY_TABLE);
  });

  it('a cluster without endpoints yet is explained', () => {
    expect(() => lab03Hosts({}, [], { clusterId: 'c' })).toThrow(/reports no cluster or reader endpoint yet/);
  });
});
