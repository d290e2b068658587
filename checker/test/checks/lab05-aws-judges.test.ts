/**
 * Lab 5's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client): each passes on the lab's compliant cache and
 * database and fails on one thing wrong; and "skip when the group or the
 * instance is missing" follows from their needs.
 */
import type { CacheCluster } from '@aws-sdk/client-elasticache';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB05_AWS_CHECKS, LAB05_JUDGES, lab05Results, type Lab05CheckKey, type Lab05Facts } from '../../checks/05-elasticache-redis/resource-judges.js';
import { EnvironmentError } from '../../core/errors.js';
import { compliantCluster, compliantDb, compliantGroup, MEMBERS, RG_ID } from '../aws/helpers.js';

function facts(over: Partial<Lab05Facts> = {}): Lab05Facts {
  return {
    replicationGroupId: RG_ID,
    region: 'us-east-1',
    source: 'stack',
    stackName: 'DataTierLabs-05',
    group: { found: compliantGroup(), ms: 5 },
    members: { clusters: new Map<string, CacheCluster>(MEMBERS.map((id) => [id, compliantCluster(id)])), ms: 3 },
    db: { id: 'dtl05-mysql', found: compliantDb(), ms: 2 },
    ...over,
  };
}

const judge = (key: Lab05CheckKey, f: Lab05Facts) => LAB05_JUDGES.find((j) => j.key === key)!.judge(f);
const members = (over: Partial<CacheCluster>) => ({ clusters: new Map<string, CacheCluster>(MEMBERS.map((id) => [id, compliantCluster(id, over)])), ms: 1 });
const denied = new EnvironmentError('Access denied for elasticache:DescribeReplicationGroups.', 'Ask for the permission.');

/** One thing wrong per judge, and the words its message must name. */
const WRONG: Array<[Lab05CheckKey, Partial<Lab05Facts>, RegExp]> = [
  ['replicationGroup', { group: { found: compliantGroup({ Status: 'creating' }), ms: 1 } }, /still creating/],
  ['engine', { members: members({ EngineVersion: '7.1' }) }, /Valkey 7\.1, older than the 7\.2/],
  ['clusterMode', { group: { found: compliantGroup({ ClusterEnabled: true, ClusterMode: 'enabled' }), ms: 1 } }, /cluster mode enabled/],
  [
    'replicas',
    { group: { found: compliantGroup({ NodeGroups: [{ NodeGroupMembers: [{ CacheClusterId: MEMBERS[0], CurrentRole: 'primary' }] }] }), ms: 1 } },
    /has 0 replicas \(1 node: /,
  ],
  ['availabilityZones', { group: { found: compliantGroup({ NodeGroups: [], MemberClusters: [MEMBERS[0]!] }), ms: 1 } }, /All 1 node of .* is in us-east-1a/],
  ['automaticFailover', { group: { found: compliantGroup({ AutomaticFailover: 'disabled' }), ms: 1 } }, /is "disabled"/],
  ['multiAz', { group: { found: compliantGroup({ MultiAZ: undefined }), ms: 1 } }, /not enabled \(MultiAZ not reported\)/],
  ['transitEncryption', { group: { found: compliantGroup({ TransitEncryptionMode: 'preferred' }), ms: 1 } }, /mode "preferred"/],
  ['atRestEncryption', { group: { found: compliantGroup({ AtRestEncryptionEnabled: false }), ms: 1 } }, /Encryption at rest is off/],
  ['authToken', { group: { found: compliantGroup({ AuthTokenEnabled: false, UserGroupIds: ['ug-1'] }), ms: 1 } }, /user groups ug-1/],
  ['backups', { group: { found: compliantGroup({ SnapshotRetentionLimit: 0 }), ms: 1 } }, /keeps no automatic snapshots/],
  ['nodeType', { group: { found: compliantGroup({ CacheNodeType: 'cache.r6g.large' }), ms: 1 } }, /costs about 13 x more/],
  ['dbInstance', { db: { id: 'dtl05-mysql', found: compliantDb({ DBInstanceStatus: 'stopped' }), ms: 1 } }, /is stopped, not available/],
  ['dbEncryption', { db: { id: 'dtl05-mysql', found: compliantDb({ StorageEncrypted: false }), ms: 1 } }, /unencrypted storage/],
  ['dbNotPublic', { db: { id: 'dtl05-mysql', found: compliantDb({ PubliclyAccessible: true }), ms: 1 } }, /is publicly accessible/],
  ['dbStorage', { db: { id: 'dtl05-mysql', found: compliantDb({ StorageType: 'gp2' }), ms: 1 } }, /uses gp2 storage/],
];

describe('Lab 5 judges', () => {
  it('there is one judge per resource check, in the order of LAB05_AWS_CHECKS', () => {
    expect(LAB05_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB05_AWS_CHECKS).filter((k) => k !== 'traffic'));
    expect(WRONG.map(([k]) => k)).toEqual(LAB05_JUDGES.map((j) => j.key));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on the lab stack', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB05_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('the engine and the zones are errors when no member could be read (and the group names no zones)', () => {
    const f = facts({ group: { found: compliantGroup({ NodeGroups: [] }), ms: 1 }, members: { clusters: new Map(), error: denied, ms: 1 } });
    expect(judge('engine', f).status).toBe('error');
    expect(judge('availabilityZones', f).status).toBe('error');
  });

  it('a group that is missing fails and says whether the stack names it', () => {
    const r = judge('replicationGroup', facts({ group: { ms: 1 } }));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('although the stack DataTierLabs-05 names it');
  });

  it('no database instance known: the instance check is skipped with what to pass', () => {
    const r = judge('dbInstance', facts({ db: { ms: 0 } }));
    expect(r.status).toBe('skipped');
    expect(r.hint).toContain('--db-instance');
  });
});

describe('Lab 5: what is skipped when something is missing', () => {
  const run = (f: Lab05Facts) => Object.fromEntries(judgeAll(LAB05_JUDGES, f, lab05Results.skipped).map((r) => [r.id, r]));

  it('an unreadable group: its check is an error, every group check skipped with the reason; the database is still judged', () => {
    const out = run(facts({ group: { error: denied, ms: 1 } }));
    expect(out['05.aws.replication-group']!.status).toBe('error');
    expect(out['05.aws.engine']!.status).toBe('skipped');
    expect(out['05.aws.node-type']!.message).toBe('Not checked: the replication group could not be read (see 05.aws.replication-group).');
    expect(out['05.aws.db-storage-gp3']!.status).toBe('pass');
  });

  it('a group that is not there: the group checks say it was not found', () => {
    const out = run(facts({ group: { ms: 1 } }));
    expect(out['05.aws.backups']!.message).toBe(`Not checked: the replication group "${RG_ID}" was not found (see 05.aws.replication-group).`);
  });

  it('a group mid-change is still judged', () => {
    const out = run(facts({ group: { found: compliantGroup({ Status: 'modifying' }), ms: 1 } }));
    expect(out['05.aws.replication-group']!.status).toBe('fail');
    expect(out['05.aws.replicas']!.status).toBe('pass');
  });

  it('the database checks follow the instance: unknown, unreadable, not found', () => {
    expect(run(facts({ db: { ms: 0 } }))['05.aws.db-encryption']!.message).toBe('Not checked: no database instance is known.');
    expect(run(facts({ db: { id: 'x', error: denied, ms: 1 } }))['05.aws.db-not-public']!.message).toBe(
      'Not checked: the DB instance could not be read (see 05.aws.db-instance).',
    );
    expect(run(facts({ db: { id: 'x', ms: 1 } }))['05.aws.db-storage-gp3']!.message).toBe('Not checked: the DB instance "x" was not found.');
  });
});
