import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dbInstanceIdFromEndpoint, findCacheResources } from '../../aws/lab05-resources.js';
import { readDbCredentials, readRedisAuthToken } from '../../aws/secrets.js';
import { deployCommandFor, readStackOutputs } from '../../aws/stack-outputs.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import { awsError, fakeClients } from './helpers.js';

const cfn = mockClient(CloudFormationClient);
const sm = mockClient(SecretsManagerClient);

const STACK = 'DataTierLabs-05-ElastiCacheRedis';
const OUTPUTS: Record<string, string> = {
  ReplicationGroupId: 'dtl05-valkey',
  RedisPrimaryEndpoint: 'master.dtl05-valkey.abc123.use1.cache.amazonaws.com',
  RedisPort: '6379',
  RedisAuthSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:auth-AbCdEf',
  DbEndpoint: 'dtl05-mysql.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com',
  DbPort: '3306',
  DbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
  DbName: 'labdb',
  BastionInstanceId: 'i-0a1b2c3d4e5f67890',
};

function stack(overrides: Partial<Stack> = {}, outputs = OUTPUTS): Stack {
  return {
    StackName: STACK,
    StackStatus: 'CREATE_COMPLETE',
    CreationTime: new Date('2026-11-20T10:00:00Z'),
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    ...overrides,
  };
}

const missingStack = () => awsError('ValidationError', `Stack with id ${STACK} does not exist`, 400);

beforeEach(() => {
  cfn.reset();
  sm.reset();
});

describe('readStackOutputs', () => {
  it('returns OutputKey -> OutputValue', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const out = await readStackOutputs(fakeClients().cloudformation, STACK);
    expect(out).toEqual(OUTPUTS);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it('missing stack: deploy with npm run deploy 5, or flags, or check --region', async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    const err = (await readStackOutputs(fakeClients().cloudformation, STACK, { region: 'eu-west-1' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(`no stack named ${STACK} (region eu-west-1)`);
    expect(err.nextStep).toContain('`npm run deploy 5`');
    expect(err.nextStep).toContain('--replication-group <id>');
    expect(err.nextStep).toContain('--region');
    expect(err.message + err.nextStep).not.toContain('    at ');
  });

  it('a failed or deleted stack is explained, not read', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackStatus: 'ROLLBACK_COMPLETE' })] });
    await expect(readStackOutputs(fakeClients().cloudformation, STACK)).rejects.toThrow(/ROLLBACK_COMPLETE/);
  });

  it('a stack still being created has no outputs: wait', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackStatus: 'CREATE_IN_PROGRESS' }, {})] });
    const err = (await readStackOutputs(fakeClients().cloudformation, STACK).catch((e: unknown) => e)) as EnvironmentError;
    expect(err.message).toContain('still CREATE_IN_PROGRESS');
    expect(err.nextStep).toContain('Wait');
  });

  it('an update in progress still returns the outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackStatus: 'UPDATE_IN_PROGRESS' })] });
    await expect(readStackOutputs(fakeClients().cloudformation, STACK)).resolves.toMatchObject({ ReplicationGroupId: 'dtl05-valkey' });
  });

  it('derives the deploy command from the stack name', () => {
    expect(deployCommandFor('DataTierLabs-05-ElastiCacheRedis')).toBe('npm run deploy 5');
    expect(deployCommandFor('DataTierLabs-12-Aurora')).toBe('npm run deploy 12');
    expect(deployCommandFor('Other')).toBe('npm run deploy <lab>');
  });
});

describe('findCacheResources', () => {
  it('reads everything from the stack outputs', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findCacheResources(fakeClients(), lab05.stack, { region: 'us-east-1' });
    expect(r).toEqual({
      replicationGroupId: 'dtl05-valkey',
      redisEndpoint: OUTPUTS.RedisPrimaryEndpoint,
      redisPort: 6379,
      redisAuthSecretArn: OUTPUTS.RedisAuthSecretArn,
      dbInstanceId: 'dtl05-mysql',
      dbEndpoint: OUTPUTS.DbEndpoint,
      dbPort: 3306,
      dbSecretArn: OUTPUTS.DbSecretArn,
      dbName: 'labdb',
      bastionInstanceId: 'i-0a1b2c3d4e5f67890',
      stackName: STACK,
      region: 'us-east-1',
      source: 'stack',
    });
  });

  it('console learners: flags without any stack', async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    const r = await findCacheResources(fakeClients(), lab05.stack, { replicationGroupId: 'my-cache', dbInstanceId: 'my-db', region: 'us-east-1' });
    expect(r).toMatchObject({ replicationGroupId: 'my-cache', dbInstanceId: 'my-db', source: 'flags' });
    expect(r.redisEndpoint).toBeUndefined();
    expect(r.bastionInstanceId).toBeUndefined();
  });

  it('flags win over the stack; stack details of a different group are not mixed in', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findCacheResources(fakeClients(), lab05.stack, { replicationGroupId: 'other-cache', region: 'us-east-1' });
    expect(r.replicationGroupId).toBe('other-cache');
    expect(r.source).toBe('flags');
    expect(r.redisEndpoint).toBeUndefined();
    expect(r.redisAuthSecretArn).toBeUndefined();
    expect(r.dbInstanceId).toBe('dtl05-mysql');
    expect(r.bastionInstanceId).toBe('i-0a1b2c3d4e5f67890');
  });

  it('a flag naming the stack group keeps the stack details', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
    const r = await findCacheResources(fakeClients(), lab05.stack, { replicationGroupId: 'dtl05-valkey', dbInstanceId: 'another-db' });
    expect(r.redisEndpoint).toBe(OUTPUTS.RedisPrimaryEndpoint);
    expect(r.dbInstanceId).toBe('another-db');
    expect(r.dbEndpoint).toBeUndefined();
  });

  it('no stack and no flags: the missing-stack explanation', async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    await expect(findCacheResources(fakeClients(), lab05.stack, { region: 'us-east-1' })).rejects.toThrow(/no stack named DataTierLabs-05-ElastiCacheRedis/);
  });

  it('a custom stack name is used', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({ StackName: 'Mine' })] });
    await findCacheResources(fakeClients(), lab05.stack, { stackName: 'Mine' });
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'Mine' });
  });

  it('a stack without the ReplicationGroupId output is explained', async () => {
    const { ReplicationGroupId: _omit, ...rest } = OUTPUTS;
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack({}, rest)] });
    await expect(findCacheResources(fakeClients(), lab05.stack, {})).rejects.toThrow(/no ReplicationGroupId output/);
  });

  it('rejects identifiers that cannot be AWS ids', async () => {
    await expect(findCacheResources(fakeClients(), lab05.stack, { replicationGroupId: 'bad id;rm' })).rejects.toBeInstanceOf(UsageError);
  });

  it('derives the instance id from an RDS endpoint', () => {
    expect(dbInstanceIdFromEndpoint('mydb.abc.eu-west-1.rds.amazonaws.com')).toBe('mydb');
    expect(dbInstanceIdFromEndpoint(undefined)).toBeUndefined();
  });
});

describe('secrets', () => {
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf';

  it('a plain-text AUTH token (what the lab stack generates)', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'a'.repeat(64) });
    await expect(readRedisAuthToken(fakeClients().secrets, ARN)).resolves.toBe('a'.repeat(64));
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('an AUTH token inside JSON', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ authToken: 'tok-123456789012345' }) });
    await expect(readRedisAuthToken(fakeClients().secrets, ARN)).resolves.toBe('tok-123456789012345');
  });

  it('JSON without a token field names the fields, never the values', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ user: 'secret-value-xyz' }) });
    const err = (await readRedisAuthToken(fakeClients().secrets, ARN).catch((e: unknown) => e)) as EnvironmentError;
    expect(err.message).toContain('found user');
    expect(err.message).not.toContain('secret-value-xyz');
  });

  it('DB credentials from the RDS JSON shape', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ username: 'labadmin', password: 'pw', host: 'h', port: '3306', dbname: 'labdb', engine: 'mysql' }),
    });
    await expect(readDbCredentials(fakeClients().secrets, ARN)).resolves.toEqual({
      username: 'labadmin',
      password: 'pw',
      host: 'h',
      port: 3306,
      dbname: 'labdb',
    });
  });

  it('DB secret that is not JSON, or has no password', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'just-a-password' }).resolvesOnce({ SecretString: '{"username":"u"}' });
    await expect(readDbCredentials(fakeClients().secrets, ARN)).rejects.toThrow(/is not JSON/);
    const err = (await readDbCredentials(fakeClients().secrets, ARN).catch((e: unknown) => e)) as EnvironmentError;
    expect(err.message).toContain('has no password field');
  });

  it('an empty secret', async () => {
    sm.on(GetSecretValueCommand).resolves({});
    await expect(readRedisAuthToken(fakeClients().secrets, ARN)).rejects.toThrow(/has no value/);
  });

  it('AccessDenied names secretsmanager:GetSecretValue', async () => {
    sm.on(GetSecretValueCommand).rejects(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/learner is not authorized to perform: secretsmanager:GetSecretValue on resource: x',
        400,
      ),
    );
    const err = (await readDbCredentials(fakeClients().secrets, ARN, { region: 'us-east-1' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('missing the IAM permission secretsmanager:GetSecretValue');
  });
});
