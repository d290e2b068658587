import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { stackConfig as learnerConfig } from '../../labs/05-elasticache-redis/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/05-elasticache-redis/stack-config.js';
import { ElastiCacheRedisStack } from '../05-elasticache-redis.js';
import { InvalidCacheReplicationConfig, replicationGroupSettings } from '../shared/cache-replication.js';

describe('replicationGroupSettings', () => {
  it('turns the learner config into a single node without failover', () => {
    expect(replicationGroupSettings(learnerConfig)).toEqual({
      numCacheClusters: 1,
      multiAzEnabled: false,
      automaticFailoverEnabled: false,
    });
  });

  it('turns the solution config into a primary, two replicas, Multi-AZ and failover', () => {
    expect(replicationGroupSettings(solutionConfig)).toEqual({
      numCacheClusters: 3,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
    });
  });

  it('allows failover without Multi-AZ when there is a replica', () => {
    expect(replicationGroupSettings({ replicasPerPrimary: 1, multiAz: false, automaticFailover: true }).numCacheClusters).toBe(2);
  });

  it.each([
    [{ replicasPerPrimary: 0, multiAz: false, automaticFailover: true }, /automaticFailover needs at least one replica/],
    [{ replicasPerPrimary: 0, multiAz: true, automaticFailover: true }, /automaticFailover needs at least one replica/],
    [{ replicasPerPrimary: 2, multiAz: true, automaticFailover: false }, /multiAz needs automaticFailover: true/],
    [{ replicasPerPrimary: 6, multiAz: false, automaticFailover: false }, /from 0 to 5, got 6/],
    [{ replicasPerPrimary: -1, multiAz: false, automaticFailover: false }, /from 0 to 5, got -1/],
    [{ replicasPerPrimary: 1.5, multiAz: false, automaticFailover: false }, /whole number/],
  ])('rejects %o', (config, message) => {
    expect(() => replicationGroupSettings(config)).toThrow(InvalidCacheReplicationConfig);
    expect(() => replicationGroupSettings(config)).toThrow(message);
  });
});

describe('ElastiCacheRedisStack with an impossible config', () => {
  it('fails at synth with a clear error: automatic failover with no replica', () => {
    const app = new App();
    expect(
      () =>
        new ElastiCacheRedisStack(app, 'Impossible', {
          replication: { replicasPerPrimary: 0, multiAz: false, automaticFailover: true },
        }),
    ).toThrow(/Invalid cache replication config: automaticFailover needs at least one replica/);
  });
});
