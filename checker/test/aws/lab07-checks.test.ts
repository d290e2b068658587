import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, EC2Client, type RouteTable, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, ResourceNotFoundException, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DescribeDBClustersCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  findLab07Resources,
  LAB07_ENVIRONMENT_KEYS as CHECKER_ENV_KEYS,
  LAB07_OUTPUTS,
  LAB07_STACK_NAME as CHECKER_STACK_NAME,
} from '../../checks/07-serverless-cache/resources.js';
import { LAB07_AWS_CHECKS } from '../../checks/07-serverless-cache/aws.js';
import { createFunctionUser, lab07AwsCheckNames, lab07AwsPlan, LAB07_INVOKE_MEASUREMENT } from '../../checks/07-serverless-cache/aws-plan.js';
import { findLab07Resources as find07 } from '../../checks/07-serverless-cache/resources.js';
import type { InvokeMeasurement } from '../../checks/07-serverless-cache/invoke.js';
import { UsageError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { LAB07_ENVIRONMENT_KEYS, LAB07_OUTPUT_KEYS, LAB07_STACK_NAME } from '../../../stacks/07-serverless-cache.js';
import { fakeClients } from './helpers.js';
import {
  CLUSTER,
  FN,
  goodCache,
  goodCluster,
  goodFunction,
  goodNode,
  isolatedRouteTables,
  logTail,
  OUTPUTS,
  planContext,
  RG,
  SG,
  STACK,
  tightGroups,
} from './lab07-helpers.js';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const rds = mockClient(RDSClient);
const ec = mockClient(ElastiCacheClient);
const ec2 = mockClient(EC2Client);

interface World {
  fn?: FunctionConfiguration;
  cluster?: DBCluster;
  cache?: ReplicationGroup;
  routes?: RouteTable[];
  groups?: SecurityGroup[];
}

function serve(world: World = {}) {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  lambda.on(GetFunctionConfigurationCommand).resolves(world.fn ?? goodFunction());
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [world.cluster ?? goodCluster()] });
  ec.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [world.cache ?? goodCache()] });
  ec.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [goodNode()] });
  ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: world.routes ?? isolatedRouteTables() });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: world.groups ?? tightGroups() });
}

async function inspect(world: World = {}) {
  serve(world);
  const ctx = planContext(fakeClients());
  const inspection = await lab07AwsPlan({ userIds: ['1', '2'] }).inspect(ctx);
  return { ctx, inspection, byId: Object.fromEntries(inspection.checks.map((c) => [c.id, c])) as Record<string, CheckResult> };
}

beforeEach(() => {
  for (const m of [cfn, lambda, rds, ec, ec2]) m.reset();
});

describe('Lab 7 names the checker and the stack share', () => {
  it('stack name, output keys and environment keys are the same on both sides', () => {
    expect(CHECKER_STACK_NAME).toBe(LAB07_STACK_NAME);
    expect(Object.values(LAB07_OUTPUTS).sort()).toEqual([...LAB07_OUTPUT_KEYS].sort());
    expect([...CHECKER_ENV_KEYS].sort()).toEqual([...LAB07_ENVIRONMENT_KEYS].sort());
  });
});

describe('findLab07Resources', () => {
  it('reads every name from the stack outputs', async () => {
    serve();
    expect(await findLab07Resources(fakeClients())).toMatchObject({
      functionName: FN,
      clusterId: CLUSTER,
      replicationGroupId: RG,
      dbAppUser: 'lab07_app',
      dbAppSecretArn: OUTPUTS.DbAppSecretArn,
      cachePort: 6379,
      dbPort: 3306,
      source: 'stack',
    });
  });

  it('lets --cluster win and drops the stack cluster endpoint that describes another cluster', async () => {
    serve();
    const r = await findLab07Resources(fakeClients(), { clusterId: 'my-other-cluster' });
    expect(r).toMatchObject({
      clusterId: 'my-other-cluster',
      clusterEndpoint: undefined,
      dbSecretArn: undefined,
      dbAppSecretArn: undefined,
      replicationGroupId: RG,
      source: 'flags',
    });
  });

  it('refuses a malformed identifier as a usage error', async () => {
    serve();
    await expect(findLab07Resources(fakeClients(), { replicationGroupId: 'bad id!' })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('Lab 7 resource checks', () => {
  it('the deployed lab stack passes every resource check, in order, with ids and names', async () => {
    const { inspection } = await inspect();
    expect(inspection.checks.map((c) => [c.id, c.status])).toEqual(
      Object.values(LAB07_AWS_CHECKS).map((c) => [c.id, c.id === '07.aws.function-user' ? 'skipped' : 'pass']),
    );
    expect(inspection.checks.at(-1)).toMatchObject({ message: expect.stringContaining('--tunnel') });
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: FN });
    expect(ec2).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { GroupIds: [SG.fn, SG.db, SG.cache] });
  });

  it('never shows an environment value but the TTL', async () => {
    const { inspection } = await inspect();
    expect(JSON.stringify(inspection.checks)).not.toMatch(/not-a-real-(token|password)/);
    expect(inspection.checks.find((c) => c.id === '07.aws.environment')!.message).toMatch(/60 s/);
  });

  it('fails a plain-text REDIS_URL and DB_SSL off, without showing the token in the URL', async () => {
    const vars = { ...goodFunction().Environment!.Variables!, REDIS_URL: 'redis://:not-a-real-token-0123456789abcdef@cache:6379', DB_SSL: 'false' };
    const { byId } = await inspect({ fn: goodFunction({ Environment: { Variables: vars } }) });
    expect(byId['07.aws.environment']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/REDIS_URL does not start with rediss:\/\/.*DB_SSL is not "true"/),
    });
    expect(byId['07.aws.environment']!.message).not.toContain('not-a-real-token');
  });

  it('fails x86_64 and another runtime, naming both', async () => {
    const { byId } = await inspect({ fn: goodFunction({ Runtime: 'nodejs20.x', Architectures: ['x86_64'] }) });
    expect(byId['07.aws.runtime']).toMatchObject({ status: 'fail', message: expect.stringMatching(/nodejs20\.x, not nodejs22\.x.*x86_64, not arm64/) });
  });

  it("fails the learner's starting point: 3 s and 128 MB", async () => {
    const { byId } = await inspect({ fn: goodFunction({ Timeout: 3, MemorySize: 128 }) });
    expect(byId['07.aws.timeout']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('Timeout is 3 s'),
      hint: expect.stringContaining('stack-config.ts'),
    });
    expect(byId['07.aws.memory']).toMatchObject({ status: 'fail', message: expect.stringContaining('Memory is 128 MB') });
  });

  it('fails a function whose subnet routes 0.0.0.0/0 to a NAT gateway', async () => {
    const routes = isolatedRouteTables();
    routes[1]!.Routes!.push({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0abc', State: 'active' });
    const { byId } = await inspect({ routes });
    expect(byId['07.aws.vpc']).toMatchObject({ status: 'fail', message: expect.stringMatching(/rtb-data0: 0\.0\.0\.0\/0 -> nat-0abc.*NAT gateway/) });
  });

  it("judges a subnet without its own route table by the VPC's main table", async () => {
    const routes = isolatedRouteTables().filter((t) => t.RouteTableId !== 'rtb-data1');
    routes[0]!.Routes!.push({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0abc', State: 'active' });
    const { byId } = await inspect({ routes });
    expect(byId['07.aws.vpc']).toMatchObject({ status: 'fail', message: expect.stringContaining('rtb-main: 0.0.0.0/0 -> igw-0abc') });
  });

  it('fails a function outside any VPC', async () => {
    const { byId } = await inspect({ fn: goodFunction({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }) });
    expect(byId['07.aws.vpc']).toMatchObject({ status: 'fail', message: expect.stringContaining('not attached to a VPC') });
  });

  it('fails a missing setting and a TTL that is not a number', async () => {
    const vars = { ...goodFunction().Environment!.Variables! };
    delete vars.DB_PASSWORD;
    vars.CACHE_TTL_SECONDS = 'forever';
    const { byId } = await inspect({ fn: goodFunction({ Environment: { Variables: vars } }) });
    expect(byId['07.aws.environment']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/missing or empty: DB_PASSWORD.*CACHE_TTL_SECONDS is "forever"/),
    });
  });

  it('fails a cluster that never pauses, and one with a minimum of 0 but no pause delay', async () => {
    const { byId } = await inspect({ cluster: goodCluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 } }) });
    expect(byId['07.aws.scaling']).toMatchObject({ status: 'fail', message: expect.stringContaining('scales from 0.5 ACU') });
    rds.reset();
    const again = await inspect({ cluster: goodCluster({ ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 } }) });
    expect(again.byId['07.aws.scaling']).toMatchObject({ status: 'fail', message: expect.stringContaining('reports no auto-pause delay') });
  });

  it('fails a cache without TLS or AUTH', async () => {
    const { byId } = await inspect({ cache: goodCache({ TransitEncryptionEnabled: false, AuthTokenEnabled: false }) });
    expect(byId['07.aws.cache']).toMatchObject({ status: 'fail', message: expect.stringMatching(/TLS is off.*no AUTH token/) });
  });

  it('fails a security group open to 0.0.0.0/0, and a cluster the function cannot reach', async () => {
    const groups = tightGroups();
    groups[1]!.IpPermissions = [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    const { byId } = await inspect({ groups });
    expect(byId['07.aws.security-groups']).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        new RegExp(`${SG.db} admits port 3306 from anywhere.*no group of the cluster \\(${SG.db}\\) admits 3306 from the function's group`),
      ),
    });
  });

  it('fails a function group that sends anything anywhere', async () => {
    const groups = tightGroups();
    groups[0]!.IpPermissionsEgress = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
    const { byId } = await inspect({ groups });
    expect(byId['07.aws.security-groups']).toMatchObject({ status: 'fail', message: expect.stringContaining('lets it send anything anywhere') });
  });

  it('a missing function fails its check and skips the ones that need it, saying why', async () => {
    serve();
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(new ResourceNotFoundException({ message: `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${FN}`, $metadata: {} }));
    const inspection = await lab07AwsPlan().inspect(planContext(fakeClients()));
    const byId = Object.fromEntries(inspection.checks.map((c) => [c.id, c]));
    expect(byId['07.aws.function']).toMatchObject({ status: 'fail', message: expect.stringContaining(`There is no Lambda function "${FN}"`) });
    for (const id of ['07.aws.runtime', '07.aws.timeout', '07.aws.vpc', '07.aws.environment'])
      expect(byId[id]).toMatchObject({ status: 'skipped', message: expect.stringContaining('07.aws.function') });
    expect(byId['07.aws.cluster']!.status).toBe('pass');
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });

  it('lists every AWS check for the local target, resource and invocation checks', () => {
    const names = lab07AwsCheckNames();
    expect(names.map((n) => n.id)).toEqual([
      ...Object.values(LAB07_AWS_CHECKS).map((c) => c.id),
      '07.aws.invoke',
      '07.aws.warm-reuse',
      '07.aws.cache-hits',
      '07.aws.not-found',
    ]);
    expect(new Set(names.map((n) => n.id)).size).toBe(names.length);
  });
});

/** Lambda answering like a good handler: database on the first read of an id, cache after; 404 for others; the first call cold. */
function goodHandler(options: { secondSource?: string; missingStatus?: number[] } = {}) {
  const seen = new Set<string>();
  let calls = 0;
  let missingCalls = 0;
  lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array; LogType?: string }) => {
    calls += 1;
    const event = JSON.parse(Buffer.from(input.Payload).toString('utf8')) as { pathParameters: { id: string } };
    const id = event.pathParameters.id;
    const requestId = `0a1b2c3d-0000-4000-8000-${String(calls).padStart(12, '0')}`;
    let statusCode = 200;
    let source = 'database';
    if (!['1', '2'].includes(id)) statusCode = options.missingStatus?.[missingCalls++] ?? 404;
    else if (seen.has(id)) source = options.secondSource ?? 'cache';
    seen.add(id);
    const duration = source === 'cache' ? 2.1 + calls / 10 : 35 + calls;
    const body = statusCode === 200 ? JSON.stringify({ user: { id: Number(id), name: `User ${id}` }, source }) : JSON.stringify({ message: 'not found' });
    return {
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      LogResult: input.LogType === 'Tail' ? logTail(requestId, duration, calls === 1 ? 412.5 : undefined) : undefined,
      Payload: Buffer.from(JSON.stringify({ statusCode, headers: { 'content-type': 'application/json' }, body })),
    };
  });
}

describe('Lab 7 after the exercises: invoking the deployed function', () => {
  it('reads each user twice and a missing one twice, with API Gateway v2 events and the log tail', async () => {
    goodHandler();
    const { inspection, ctx } = await inspect();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.map((c) => [c.id, c.status])).toEqual([
      ['07.aws.invoke', 'pass'],
      ['07.aws.warm-reuse', 'pass'],
      ['07.aws.cache-hits', 'pass'],
      ['07.aws.not-found', 'pass'],
    ]);
    const calls = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(6);
    for (const input of calls) expect(input).toMatchObject({ FunctionName: FN, InvocationType: 'RequestResponse', LogType: 'Tail' });
    const events = calls.map((i) => JSON.parse(Buffer.from(i.Payload as Uint8Array).toString('utf8')) as Record<string, any>);
    expect(events.map((e) => e.rawPath)).toEqual(['/users/1', '/users/2', '/users/1', '/users/2', '/users/987654321', '/users/987654321']);
    expect(events[0]).toMatchObject({
      version: '2.0',
      routeKey: 'GET /users/{id}',
      pathParameters: { id: '1' },
      requestContext: { http: { method: 'GET', path: '/users/1' }, stage: '$default' },
      isBase64Encoded: false,
    });
    // The client the plan built is closed by the pipeline.
    expect(ctx.closers).toHaveLength(1);

    const m = after.measurements![LAB07_INVOKE_MEASUREMENT] as InvokeMeasurement;
    expect(m.invocations).toBe(4);
    expect(m.coldStarts).toBe(1);
    expect(m.initMs.p50).toBe(412.5);
    expect(m.handlerMs.database).toMatchObject({ n: 2, p50: 36 });
    expect(m.handlerMs.cache).toMatchObject({ n: 2, p50: 2.4 });
    expect(m.ratio.handler).toBe(15);
  });

  it('fails the cache-hit check when a second read still comes from the database', async () => {
    goodHandler({ secondSource: 'database' });
    const { inspection } = await inspect();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.find((c) => c.id === '07.aws.cache-hits')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('2 of 2 second reads came from "database"'),
    });
  });

  it('fails the 404 check when a missing user is cached as found', async () => {
    goodHandler({ missingStatus: [404, 200] });
    const { inspection } = await inspect();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.find((c) => c.id === '07.aws.not-found')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('answered 200 on the second ask'),
    });
  });

  it('fails the invoke check on a timeout, with the hint about a paused cluster', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      LogResult: logTail('0a1b2c3d-0000-4000-8000-000000000001', 3000, 380),
      // The SDK wraps the bytes in a blob adapter; the plan reads only the bytes.
      Payload: Buffer.from(
        JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: 0a1b2c3d Error: Task timed out after 3.00 seconds' }),
      ) as never,
    });
    const { inspection } = await inspect();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks[0]).toMatchObject({
      id: '07.aws.invoke',
      status: 'fail',
      message: expect.stringContaining('Task timed out after 3.00 seconds'),
      hint: expect.stringContaining('paused cluster'),
    });
  });

  it('fails warm reuse when every invocation starts a new environment', async () => {
    let n = 0;
    lambda.on(InvokeCommand).callsFake(() => ({
      StatusCode: 200,
      LogResult: logTail(`0a1b2c3d-0000-4000-8000-00000000000${++n}`, 40, 500),
      Payload: Buffer.from(JSON.stringify({ statusCode: 200, body: JSON.stringify({ user: {}, source: 'database' }) })),
    }));
    const { inspection } = await inspect();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.find((c) => c.id === '07.aws.warm-reuse')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('2 of 2 back-to-back invocations started a new execution environment'),
    });
  });

  it('gives the exercises the cache and the cluster through reach(), with TLS names kept', async () => {
    serve();
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: OUTPUTS.DbSecretArn }).resolves({ SecretString: JSON.stringify({ username: 'admin', password: 'db-pass' }) });
    sm.on(GetSecretValueCommand, { SecretId: OUTPUTS.CacheAuthSecretArn }).resolves({ SecretString: 'cache-token-0123456789' });
    const ctx = planContext(fakeClients());
    const endpoints = await (await lab07AwsPlan().inspect(ctx)).endpoints();
    expect(ctx.reached).toEqual([
      { host: OUTPUTS.CachePrimaryEndpoint, port: 6379 },
      { host: OUTPUTS.ClusterEndpoint, port: 3306 },
    ]);
    expect(endpoints).toMatchObject({
      target: 'aws',
      redis: { tls: true, servername: OUTPUTS.CachePrimaryEndpoint, password: 'cache-token-0123456789' },
      mysql: { user: 'admin', password: 'db-pass', database: 'labdb', ssl: true },
    });
    sm.restore();
  });
});

describe("Lab 7's function user, created through the tunnel", () => {
  const endpoints = { target: 'aws', mysql: { host: '127.0.0.1', port: 33061, user: 'admin', password: 'db-pass', database: 'labdb', ssl: true } } as never;

  it('creates the user with the app secret password, TLS required, and only the rights a user service needs', async () => {
    serve();
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: OUTPUTS.DbAppSecretArn }).resolves({ SecretString: 'AppPassw0rdFromTheStack' });
    const ran: Array<[string, unknown[] | undefined]> = [];
    let ended = false;
    const ctx = planContext(fakeClients());
    const [check] = await createFunctionUser(ctx, await find07(ctx.clients), endpoints, async (ep) => {
      expect(ep).toMatchObject({ user: 'admin', ssl: true });
      return { query: async (sql: string, params?: unknown[]) => void ran.push([sql, params]), end: async () => void (ended = true) };
    });
    expect(check).toMatchObject({ id: '07.aws.function-user', status: 'pass' });
    expect(ran).toEqual([
      ["CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ? REQUIRE SSL", ['lab07_app', 'AppPassw0rdFromTheStack']],
      ["ALTER USER ?@'%' IDENTIFIED BY ? REQUIRE SSL", ['lab07_app', 'AppPassw0rdFromTheStack']],
      ["GRANT SELECT, INSERT, UPDATE, DELETE ON `labdb`.* TO ?@'%'", ['lab07_app']],
    ]);
    expect(ended).toBe(true);
    expect(JSON.stringify(check)).not.toContain('AppPassw0rd');
    sm.restore();
  });

  it('reports an error (not a pass) when the cluster refuses, and closes the connection', async () => {
    serve();
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'AppPassw0rdFromTheStack' });
    let ended = false;
    const ctx = planContext(fakeClients());
    const [check] = await createFunctionUser(ctx, await find07(ctx.clients), endpoints, async () => ({
      query: async () => {
        throw new Error("Access denied for user 'admin'@'10.0.0.12'");
      },
      end: async () => void (ended = true),
    }));
    expect(check).toMatchObject({ id: '07.aws.function-user', status: 'error', message: expect.stringContaining('Access denied') });
    expect(ended).toBe(true);
    sm.restore();
  });
});
