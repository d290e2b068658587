/**
 * Lab 3's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client, no DNS): each passes on the lab's cluster (a writer
 * and two readers over two zones) and fails on one thing wrong; every check
 * needs the cluster.
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB03_AWS_CHECKS, LAB03_JUDGES, lab03Results, type Lab03CheckKey, type Lab03Facts } from '../../checks/03-aurora-cluster/resource-judges.js';
import type { EngineLifecycle } from '../../aws/engine-lifecycle.js';

const ID = 'dtl03-cluster';
const member = (name: string, writer: boolean) => ({ DBInstanceIdentifier: name, IsClusterWriter: writer });
const cluster = (over: Partial<DBCluster> = {}): DBCluster => ({
  DBClusterIdentifier: ID,
  Status: 'available',
  Engine: 'aurora-mysql',
  EngineVersion: '8.0.mysql_aurora.3.10.4',
  ReaderEndpoint: `${ID}.cluster-ro-x.us-east-1.rds.amazonaws.com`,
  StorageEncryptionType: 'sse-rds',
  BackupRetentionPeriod: 7,
  DBClusterMembers: [member('w', true), member('r1', false), member('r2', false)],
  ...over,
});
const inst = (name: string, az: string, status = 'available'): DBInstance => ({
  DBInstanceIdentifier: name,
  AvailabilityZone: az,
  DBInstanceStatus: status,
  DBInstanceClass: 'db.t4g.medium',
});
const lifecycle: EngineLifecycle = {
  engine: 'aurora-mysql',
  majorVersion: '8.0',
  version: '8.0.mysql_aurora.3.10.4',
  standardSupportEnds: new Date('2028-04-30T00:00:00Z'),
  offered: 'available',
  phase: 'standard',
};

function facts(over: Partial<Lab03Facts> = {}): Lab03Facts {
  return {
    clusterId: ID,
    region: 'us-east-1',
    stackName: 'DataTierLabs-03',
    source: 'stack',
    cluster: { found: cluster(), ms: 2 },
    instances: [inst('w', 'us-east-1a'), inst('r1', 'us-east-1b'), inst('r2', 'us-east-1a')],
    lifecycle: { found: lifecycle },
    readerDns: { addresses: ['10.0.1.5'], ms: 1 },
    ...over,
  };
}

const judge = (key: Lab03CheckKey, f: Lab03Facts) => LAB03_JUDGES.find((j) => j.key === key)!.judge(f);
const withCluster = (over: Partial<DBCluster>) => ({ cluster: { found: cluster(over), ms: 1 } });

const WRONG: Array<[Lab03CheckKey, Partial<Lab03Facts>, RegExp]> = [
  ['cluster', withCluster({ Status: 'stopped' }), /has status "stopped"/],
  ['engine', { lifecycle: { found: { ...lifecycle, phase: 'extended' } } }, /past standard support/],
  ['writer', withCluster({ DBClusterMembers: [member('w', true), member('w2', true)] }), /reports 2 writers/],
  ['readers', withCluster({ DBClusterMembers: [member('w', true), member('r1', false)] }), /has 1 reader \(r1\); the lab asks for at least 2/],
  ['zones', { instances: [inst('w', 'us-east-1a'), inst('r1', 'us-east-1a'), inst('r2', 'us-east-1a')] }, /Every instance of .* is in us-east-1a/],
  [
    'readerEndpoint',
    { readerDns: { error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, ms: 1 } },
    /does not resolve from this machine \(ENOTFOUND\)/,
  ],
  ['encryption', withCluster({ StorageEncryptionType: 'none', StorageEncrypted: false }), /unencrypted storage/],
  ['backups', withCluster({ BackupRetentionPeriod: 1 }), /keeps automated backups 1 day /],
];

describe('Lab 3 judges', () => {
  it('there is one judge per resource check, in the order of LAB03_AWS_CHECKS', () => {
    expect(LAB03_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB03_AWS_CHECKS));
    expect(WRONG.map(([k]) => k)).toEqual(LAB03_JUDGES.map((j) => j.key));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on the lab stack', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB03_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('readers: two readers with one still creating fail with when to re-run', () => {
    const r = judge('readers', facts({ instances: [inst('w', 'us-east-1a'), inst('r1', 'us-east-1b'), inst('r2', 'us-east-1a', 'creating')] }));
    expect(r.message).toContain('only 1 available: r2 (creating)');
  });

  it('reader endpoint: a resolver failure other than "not found" is an error', () => {
    expect(judge('readerEndpoint', facts({ readerDns: { error: { code: 'ETIMEOUT', message: 'queryA ETIMEOUT' }, ms: 1 } })).status).toBe('error');
  });
});

describe('Lab 3: every check needs the cluster', () => {
  it('not found: a fail naming the lab clusters, the other seven skipped with why', () => {
    const out = judgeAll(LAB03_JUDGES, facts({ cluster: { suggestions: ['dtl03-other'], ms: 1 } }), lab03Results.skipped);
    expect(out[0]!.status).toBe('fail');
    expect(out[0]!.message).toContain('dtl03-other');
    expect(out.slice(1).map((r) => r.message)).toEqual(Array(7).fill(`Not checked: the DB cluster "${ID}" was not found.`));
  });
});
