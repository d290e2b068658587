import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplicatedMysql, type ReplicatedMysql } from '../../engines/replicated-mysql.js';
import { writesRefusedCheck } from '../../checks/02-read-replicas/writes-refused.js';

describe('Lab 2 on AWS: the replica refuses writes (checked against a real read-only replica here)', () => {
  let pair: ReplicatedMysql;
  beforeAll(async () => {
    pair = await startReplicatedMysql();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('passes on a replica, naming error 1290', async () => {
    const result = await writesRefusedCheck(pair.replica.endpoint);
    expect(result.status).toBe('pass');
    expect(result.message).toMatch(/1290/);
  });

  it('fails when the "replica" accepts writes (the primary named by mistake)', async () => {
    const result = await writesRefusedCheck(pair.primary.endpoint);
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/accepted a write/);
  });

  it('is an error, not a verdict, when the replica cannot be reached', async () => {
    const result = await writesRefusedCheck({ ...pair.replica.endpoint, port: 9 });
    expect(result.status).toBe('error');
  });
});
