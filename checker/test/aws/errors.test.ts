import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAwsClients, destroyAwsClients } from '../../aws/clients.js';
import { classifyAwsError, errorSummary, explainAwsError, profileExists, whoAmI } from '../../aws/errors.js';
import { EnvironmentError } from '../../core/errors.js';
import { awsError, fakeClients } from './helpers.js';

function expectNoStack(e: EnvironmentError): void {
  expect(e).toBeInstanceOf(EnvironmentError);
  expect(e.exitCode).toBe(2);
  expect(e.message).not.toContain('    at ');
  expect(e.nextStep ?? '').not.toContain('    at ');
  expect(e.message).not.toMatch(/\n/);
  expect(e.nextStep).toBeTruthy();
}

const ctx = { action: 'elasticache:DescribeReplicationGroups', region: 'us-east-1' };

describe('explainAwsError', () => {
  it('missing credentials (the SDK credential chain gave up)', () => {
    const err = awsError('CredentialsProviderError', 'Could not load credentials from any providers');
    expect(classifyAwsError(err)).toBe('credentials');
    const e = explainAwsError(err, ctx);
    expect(e.message).toContain('no AWS credentials were found');
    expect(e.nextStep).toContain('aws configure');
    expect(e.nextStep).toContain('--profile');
    expectNoStack(e);
  });

  it('a profile that does not exist is named', () => {
    const err = awsError('CredentialsProviderError', 'Profile lab could not be found in shared credentials file.');
    const e = explainAwsError(err, { ...ctx, profile: 'lab' });
    expect(e.message).toContain('profile "lab" is not in ~/.aws/config');
    expectNoStack(e);
  });

  it.each(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'])('expired token: %s', (name) => {
    const err = awsError(name, 'The security token included in the request is expired', 403);
    expect(classifyAwsError(err)).toBe('expired');
    const e = explainAwsError(err, { ...ctx, profile: 'lab' });
    expect(e.message).toContain('session has expired');
    expect(e.message).toContain(name);
    expect(e.nextStep).toContain('aws sso login --profile lab');
    if (name === 'RequestExpired') expect(e.message).toContain('clock');
    expectNoStack(e);
  });

  it.each(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])('access denied: %s names the IAM permission', (name) => {
    const err = awsError(
      name,
      'User: arn:aws:sts::123456789012:assumed-role/Learner/alice is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:123456789012:db:dtl05-mysql because no identity-based policy allows the rds:DescribeDBInstances action',
      403,
    );
    expect(classifyAwsError(err)).toBe('access-denied');
    const e = explainAwsError(err, { action: 'rds:DescribeDBInstances', region: 'us-east-1' });
    expect(e.message).toContain('AWS refused rds:DescribeDBInstances');
    expect(e.message).toContain('missing the IAM permission rds:DescribeDBInstances');
    expect(e.message).toContain('arn:aws:sts::123456789012:assumed-role/Learner/alice');
    expect(e.nextStep).toContain('allow `rds:DescribeDBInstances`');
    expectNoStack(e);
  });

  it('access denied without a message falls back to the call action', () => {
    const e = explainAwsError(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403), {
      action: 'ec2:DescribeInstances',
    });
    expect(e.message).toContain('missing the IAM permission ec2:DescribeInstances');
  });

  it('not found: replication group, DB instance, stack', () => {
    const rg = explainAwsError(awsError('ReplicationGroupNotFoundFault', 'ReplicationGroup dtl05 not found.', 404), {
      ...ctx,
      resource: { kind: 'ElastiCache replication group', id: 'dtl05', flag: '--replication-group <id>' },
      deployCommand: 'npm run deploy 5',
    });
    expect(rg.message).toContain('no ElastiCache replication group "dtl05" (region us-east-1)');
    expect(rg.nextStep).toContain('--replication-group <id>');
    expect(rg.nextStep).toContain('npm run deploy 5');
    expect(rg.nextStep).toContain('another region than us-east-1');
    expectNoStack(rg);

    for (const name of ['DBInstanceNotFound', 'DBInstanceNotFoundFault']) {
      expect(classifyAwsError(awsError(name, 'DBInstance x not found.', 404))).toBe('not-found');
    }

    const stack = explainAwsError(awsError('ValidationError', 'Stack with id DataTierLabs-05-ElastiCacheRedis does not exist'), {
      action: 'cloudformation:DescribeStacks',
      region: 'eu-west-1',
      stackName: 'DataTierLabs-05-ElastiCacheRedis',
      deployCommand: 'npm run deploy 5',
    });
    expect(stack.message).toContain('no stack named DataTierLabs-05-ElastiCacheRedis (region eu-west-1)');
    expect(stack.nextStep).toContain('npm run deploy 5');
    expect(stack.nextStep).toContain('--replication-group <id>');
    expect(stack.nextStep).toContain('--region');
    expectNoStack(stack);
  });

  it('a ValidationError that is not "does not exist" is not called not-found', () => {
    expect(classifyAwsError(awsError('ValidationError', '1 validation error detected: Value at stackName failed'))).toBe('unknown');
  });

  it.each(['UnrecognizedClientException', 'InvalidClientTokenId'])('wrong region / unknown key: %s', (name) => {
    const err = awsError(name, 'The security token included in the request is invalid.', 403);
    expect(classifyAwsError(err)).toBe('region');
    const e = explainAwsError(err, { ...ctx, region: 'ap-east-1' });
    expect(e.message).toContain('region ap-east-1');
    expect(e.message).toContain('opt-in region');
    expect(e.nextStep).toContain('--region');
    expectNoStack(e);
  });

  it('a bogus region: the endpoint host does not resolve', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND elasticache.us-eest-1.amazonaws.com'), {
      code: 'ENOTFOUND',
      hostname: 'elasticache.us-eest-1.amazonaws.com',
      syscall: 'getaddrinfo',
      $metadata: { attempts: 3 },
    });
    expect(classifyAwsError(err, 'us-eest-1')).toBe('region');
    const e = explainAwsError(err, { ...ctx, region: 'us-eest-1' });
    expect(e.message).toContain('"us-eest-1" is not an AWS region');
    expect(e.message).toContain('elasticache.us-eest-1.amazonaws.com');
    expect(e.nextStep).toContain('--region us-east-1');
    expectNoStack(e);
  });

  it('no region at all', () => {
    const e = explainAwsError(new Error('Region is missing'), { action: 'sts:GetCallerIdentity' });
    expect(e.message).toContain('No AWS region is set');
    expectNoStack(e);
  });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 52.94.0.1:443'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN sts.us-east-1.amazonaws.com'],
  ])('network unreachable: %s in a known region', (code, message) => {
    const err = Object.assign(new Error(message), { code, hostname: 'sts.us-east-1.amazonaws.com' });
    expect(classifyAwsError(err, 'us-east-1')).toBe('network');
    const e = explainAwsError(err, { action: 'sts:GetCallerIdentity', region: 'us-east-1' });
    expect(e.message).toContain('Could not reach AWS');
    expect(e.message).toContain(code);
    expect(e.nextStep).toContain('HTTPS_PROXY');
    expectNoStack(e);
  });

  it('SDK timeouts and errors wrapped in a cause are network too', () => {
    const timeout = awsError('TimeoutError', 'Connection timed out after 1000 ms');
    expect(classifyAwsError(timeout, 'us-east-1')).toBe('network');
    const wrapped = new Error('request failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyAwsError(wrapped, 'us-east-1')).toBe('network');
  });

  it('unknown errors keep one line of the message and never a stack', () => {
    const err = awsError('InternalFailure', 'Something broke\n    at foo (file.js:1:1)\n    at bar (file.js:2:2)', 500);
    const e = explainAwsError(err, ctx);
    expect(e.message).toContain('InternalFailure: Something broke');
    expectNoStack(e);
    expect(errorSummary('x'.repeat(1000)).length).toBeLessThanOrEqual(300);
  });

  it('passes EnvironmentError through unchanged', () => {
    const original = new EnvironmentError('already explained', 'do this');
    expect(explainAwsError(original, ctx)).toBe(original);
  });
});

describe('profileExists', () => {
  it('finds [profile x] in config and [x] in credentials', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/aws-profiles-`);
    writeFileSync(`${dir}/config`, '[default]\nregion = us-east-1\n\n[profile  lab-sso ]\nsso_session = x\n');
    writeFileSync(`${dir}/credentials`, '[keys-only]\naws_access_key_id = AKIA\n');
    const env = { AWS_CONFIG_FILE: `${dir}/config`, AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials` };
    expect(profileExists('lab-sso', env)).toBe(true);
    expect(profileExists('keys-only', env)).toBe(true);
    expect(profileExists('default', env)).toBe(true);
    expect(profileExists('missing', env)).toBe(false);
  });
});

describe('whoAmI', () => {
  // Mock one client instance only, so the real-chain tests below use a real STS client.
  const clients = fakeClients();
  const sts = mockClient(clients.sts);
  beforeEach(() => sts.reset());

  it('returns account and ARN', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/learner', UserId: 'AIDA' });
    await expect(whoAmI(clients)).resolves.toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner', userId: 'AIDA' });
  });

  it('turns failures into the same explanations', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403));
    const err = await whoAmI(clients).catch((e: unknown) => e);
    expect((err as EnvironmentError).message).toContain('session has expired');
    expect((err as EnvironmentError).message).toContain('sts:GetCallerIdentity');
    expectNoStack(err as EnvironmentError);
  });
});

describe('whoAmI with the real credential chain and no credentials anywhere', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('explains missing credentials from what the SDK really throws', async () => {
    const clients = makeAwsClients({ region: 'us-east-1', maxAttempts: 1 });
    const err = await whoAmI(clients).catch((e: unknown) => e);
    destroyAwsClients(clients);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toContain('no AWS credentials were found');
    expectNoStack(err as EnvironmentError);
  });

  it('explains a profile that does not exist', async () => {
    const clients = makeAwsClients({ region: 'us-east-1', profile: 'no-such-profile', maxAttempts: 1 });
    const err = await whoAmI(clients).catch((e: unknown) => e);
    destroyAwsClients(clients);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toContain('the AWS profile "no-such-profile" is not in ~/.aws/config');
    expectNoStack(err as EnvironmentError);
  });
});
