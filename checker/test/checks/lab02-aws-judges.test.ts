/**
 * Lab 2's deployed-resource judges, one at a time, from described resources
 * alone (no AWS client): each passes on a primary with an available, caught-up
 * replica and fails on one thing wrong; and what is skipped follows from
 * their needs (primary -> replica -> available -> lag).
 */
import type { DBInstance } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { judgeAll } from '../../checks/aws-judges.js';
import { LAB02_AWS_CHECKS, LAB02_JUDGES, lab02Results, type Lab02CheckKey, type Lab02Facts } from '../../checks/02-read-replicas/resource-judges.js';
import { EnvironmentError } from '../../core/errors.js';

const P = 'dtl02-primary';
const R = 'dtl02-replica';
const NOW = Date.UTC(2026, 11, 4, 10, 0);

const primaryDb = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: P,
  DBInstanceStatus: 'available',
  DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${P}`,
  ReadReplicaDBInstanceIdentifiers: [R],
  ...over,
});
const replicaDb = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: R,
  DBInstanceStatus: 'available',
  AvailabilityZone: 'us-east-1b',
  ReadReplicaSourceDBInstanceIdentifier: P,
  ...over,
});

function facts(over: Partial<Lab02Facts> = {}): Lab02Facts {
  return {
    primaryId: P,
    region: 'us-east-1',
    stackName: 'DataTierLabs-02',
    source: 'stack',
    primary: { found: primaryDb(), ms: 4 },
    sameRegion: [R],
    crossRegion: [{ id: 'dtl02-far', region: 'eu-west-1' }],
    replica: { found: replicaDb(), ms: 3 },
    lag: {
      points: [
        { at: NOW, value: 2 },
        { at: NOW - 60_000, value: 5 },
      ],
      ms: 2,
      maxSeconds: 30,
    },
    ...over,
  };
}

const judge = (key: Lab02CheckKey, f: Lab02Facts) => LAB02_JUDGES.find((j) => j.key === key)!.judge(f);
const denied = new EnvironmentError('Access denied for rds:DescribeDBInstances.', 'Ask for the permission.');

/** One thing wrong per judge that can fail, and the words its message must name. */
const WRONG: Array<[Lab02CheckKey, Partial<Lab02Facts>, RegExp]> = [
  [
    'primary',
    { primary: { found: primaryDb({ ReadReplicaSourceDBInstanceIdentifier: 'dtl02-other' }), ms: 1 } },
    /is itself a read replica \(of dtl02-other\)/,
  ],
  [
    'replica',
    { replica: { named: R, found: replicaDb({ ReadReplicaSourceDBInstanceIdentifier: undefined }), ms: 1 } },
    /is not a read replica .* stand-alone instance/,
  ],
  ['replicaAvailable', { replica: { found: replicaDb({ DBInstanceStatus: 'stopped' }), ms: 1 } }, /has status "stopped"/],
  ['replicaLag', { lag: { points: [{ at: NOW, value: 45 }], ms: 1, maxSeconds: 30 } }, /is 45 s \(latest datapoint\), above the 30 s/],
];

describe('Lab 2 judges', () => {
  it('there is one judge per resource check, in the order of LAB02_AWS_CHECKS', () => {
    expect(LAB02_JUDGES.map((j) => j.key)).toEqual(Object.keys(LAB02_AWS_CHECKS));
  });

  it.each(WRONG.map(([key]) => key))('%s passes on a primary with a caught-up replica', (key) => {
    const r = judge(key, facts());
    expect(r.status, r.message).toBe('pass');
    expect(r.id).toBe(LAB02_AWS_CHECKS[key].id);
  });

  it.each(WRONG)('%s fails on one thing wrong', (key, over, says) => {
    const r = judge(key, facts(over));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(says);
    expect(r.hint).toBeTruthy();
  });

  it('primary: a stopped primary says how to start it; a missing one names the lab instances there', () => {
    expect(judge('primary', facts({ primary: { found: primaryDb({ DBInstanceStatus: 'stopped' }), ms: 1 } })).hint).toContain('aws rds start-db-instance');
    const missing = judge('primary', facts({ primary: { suggestions: { lab: ['dtl02-primary2'], similar: [] }, ms: 1 } }));
    expect(missing.status).toBe('fail');
    expect(missing.message).toContain("The lab's DB instances here: dtl02-primary2.");
    expect(missing.message).toContain('although the stack DataTierLabs-02 names it');
  });

  it('replica: none listed says how to add one and notes the cross-region replica', () => {
    const r = judge('replica', facts({ sameRegion: [], replica: { ms: 1 } }));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('has no read replica in us-east-1');
    expect(r.message).toContain('dtl02-far in eu-west-1');
    expect(r.hint).toContain('readReplicas: 1');
  });

  it('replica: a named replica that does not exist offers the listed replicas', () => {
    const r = judge('replica', facts({ replica: { named: 'dtl02-typo', suggestions: { lab: [], similar: [] }, ms: 1 } }));
    expect(r.status).toBe('fail');
    expect(r.message).toContain(`There is no RDS DB instance "dtl02-typo"`);
    expect(r.hint).toContain(`--replica-instance ${R}`);
  });

  it('replica lag: none reported, and -1 (replication broken), fail; a CloudWatch error is an error', () => {
    expect(judge('replicaLag', facts({ lag: { points: [], ms: 1, maxSeconds: 30 } })).message).toMatch(/no ReplicaLag datapoints/);
    const broken = judge('replicaLag', facts({ lag: { points: [{ at: NOW, value: -1 }], ms: 1, maxSeconds: 30 } }));
    expect(broken.status).toBe('fail');
    expect(broken.message).toContain('replication is broken');
    expect(judge('replicaLag', facts({ lag: { points: [], error: denied, ms: 1, maxSeconds: 30 } })).status).toBe('error');
  });

  it('cross-region: recognised when there is one, skipped (optional) when there is none', () => {
    expect(judge('crossRegion', facts()).message).toContain('dtl02-far in eu-west-1');
    expect(judge('crossRegion', facts({ crossRegion: [] })).status).toBe('skipped');
  });

  it('writes refused is never judged here (it needs a connection)', () => {
    expect(judge('writesRefused', facts()).status).toBe('skipped');
  });
});

describe('Lab 2: what is skipped when something is missing', () => {
  const run = (f: Lab02Facts) => Object.fromEntries(judgeAll(LAB02_JUDGES, f, lab02Results.skipped).map((r) => [r.id, r]));

  it('an unreadable primary: an error, and everything else skipped with that reason', () => {
    const out = run(facts({ primary: { error: denied, ms: 1 } }));
    expect(out['02.aws.primary']!.status).toBe('error');
    for (const id of ['02.aws.replica', '02.aws.replica-available', '02.aws.replica-lag', '02.aws.cross-region-replica']) {
      expect(out[id]!.message).toBe('Not checked: the primary could not be read (see 02.aws.primary).');
    }
    expect(out['02.aws.writes-refused']!.status).toBe('skipped');
  });

  it('no replica: availability and lag are skipped; the cross-region check still runs', () => {
    const out = run(facts({ sameRegion: [], replica: { ms: 1 } }));
    expect(out['02.aws.replica-lag']!.message).toBe('Not checked: there is no read replica of the primary.');
    expect(out['02.aws.cross-region-replica']!.status).toBe('pass');
  });

  it('a replica still creating: its lag is skipped with when to re-run', () => {
    const out = run(facts({ replica: { found: replicaDb({ DBInstanceStatus: 'creating' }), ms: 1 }, lag: undefined }));
    expect(out['02.aws.replica-available']!.status).toBe('fail');
    expect(out['02.aws.replica-lag']).toMatchObject({ status: 'skipped', hint: 'Re-run in a few minutes.' });
    expect(out['02.aws.replica-lag']!.message).toContain(`replica ${R} is still creating`);
  });
});
