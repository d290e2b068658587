/**
 * Lab 4's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client): each passes on the lab's Serverless v2 cluster and
 * fails on one thing wrong; every check needs the cluster.
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB04_AWS_CHECKS, LAB04_JUDGES, lab04Results, type Lab04CheckKey, type Lab04Facts } from '../../checks/04-aurora-serverless/resource-judges.js';
import type { EngineLifecycle } from '../../aws/engine-lifecycle.js';
import { EnvironmentError } from '../../core/errors.js';

const ID = 'dtl04-cluster';
const cluster = (over: Partial<DBCluster> = {}): DBCluster => ({
  DBClusterIdentifier: ID,
  Status: 'available',
  Engine: 'aurora-mysql',
  EngineVersion: '8.0.mysql_aurora.3.10.4',
  ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 16, SecondsUntilAutoPause: 300 },
  DBClusterMembers: [{ DBInstanceIdentifier: `${ID}-writer`, IsClusterWriter: true }],
  ...over,
});
const writer = (over: Partial<DBInstance> = {}): DBInstance => ({ DBInstanceIdentifier: `${ID}-writer`, DBInstanceClass: 'db.serverless', ...over });
const lifecycle: EngineLifecycle = {
  engine: 'aurora-mysql',
  majorVersion: '8.0',
  version: '8.0.mysql_aurora.3.10.4',
  standardSupportEnds: new Date('2028-04-30T00:00:00Z'),
  offered: 'available',
  phase: 'standard',
};

function facts(over: Partial<Lab04Facts> = {}): Lab04Facts {
  return {
    clusterId: ID,
    region: 'us-east-1',
    stackName: 'DataTierLabs-04',
    source: 'stack',
    cluster: { found: cluster(), instances: [writer()], ms: 2 },
    lifecycle: { found: lifecycle },
    ...over,
  };
}

const judge = (key: Lab04CheckKey, f: Lab04Facts) => LAB04_JUDGES.find((j) => j.key === key)!.judge(f);

const WRONG: Array<[Lab04CheckKey, Partial<Lab04Facts>, RegExp]> = [
  ['cluster', { cluster: { found: cluster({ Status: 'stopped' }), instances: [writer()], ms: 1 } }, /has status "stopped"/],
  ['engine', { cluster: { found: cluster({ EngineVersion: '8.0.mysql_aurora.3.05.2' }), instances: [writer()], ms: 1 } }, /needs 3\.08\.0 or newer/],
  [
    'scaling',
    { cluster: { found: cluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 } }), instances: [writer()], ms: 1 } },
    /the minimum is 0\.5 ACU, not 0/,
  ],
  [
    'instanceClass',
    { cluster: { found: cluster(), instances: [writer({ DBInstanceClass: 'db.r6g.large' })], ms: 1 } },
    /is a db\.r6g\.large instance, not db\.serverless/,
  ],
];

describe('Lab 4 judges', () => {
  it('there is one judge per resource check (the capacity under load comes after the ramp)', () => {
    expect(LAB04_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB04_AWS_CHECKS).filter((k) => k !== 'capacityRose'));
    expect(WRONG.map(([k]) => k)).toEqual(LAB04_JUDGES.map((j) => j.key));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on the lab stack', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB04_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('engine: past standard support fails; an unreadable lifecycle is an error', () => {
    expect(judge('engine', facts({ lifecycle: { found: { ...lifecycle, phase: 'extended' } } })).status).toBe('fail');
    expect(judge('engine', facts({ lifecycle: { error: new EnvironmentError('denied', 'ask') } })).status).toBe('error');
  });
});

describe('Lab 4: every check needs the cluster', () => {
  it('not found: a fail naming the lab clusters, the rest skipped with why', () => {
    const out = judgeAll(LAB04_JUDGES, facts({ cluster: { instances: [], suggestions: ['dtl04-other'], ms: 1 } }), lab04Results.skipped);
    expect(out[0]!.status).toBe('fail');
    expect(out[0]!.message).toContain('dtl04-other');
    expect(out.slice(1).map((r) => r.message)).toEqual(Array(3).fill(`Not checked: the DB cluster "${ID}" was not found.`));
  });
});
