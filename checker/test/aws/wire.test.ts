/**
 * Wire-level tests: the real SDK clients talk to a loopback server that
 * answers with recorded responses in AWS's wire formats (awsQuery XML for
 * ElastiCache, RDS, CloudFormation and STS; AWS JSON 1.0 for CloudWatch;
 * AWS JSON 1.1 for Secrets Manager), so the SDK's real deserialisers run.
 */
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { afterEach, describe, expect, it } from 'vitest';
import { makeAwsClients, destroyAwsClients, type AwsClients } from '../../aws/clients.js';
import { classifyAwsError, explainAwsError, whoAmI } from '../../aws/errors.js';
import { findCacheResources } from '../../aws/lab05-resources.js';
import { readDbCredentials, readRedisAuthToken } from '../../aws/secrets.js';
import { readStackOutputs } from '../../aws/stack-outputs.js';
import { runLab05AwsChecks, runLab05TrafficCheck } from '../../checks/05-elasticache-redis/aws.js';
import { EnvironmentError } from '../../core/errors.js';
import { fixture, json10, json11, startWireServer, xml, type WireHandler, type WireServer } from './wire-server.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function setup(handler: WireHandler): Promise<{ server: WireServer; clients: AwsClients }> {
  server = await startWireServer(handler);
  clients = makeAwsClients({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  return { server, clients };
}

afterEach(async () => {
  if (clients) destroyAwsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

const AZS: Record<string, string> = {
  'dtl05-valkey-001': 'us-east-1a',
  'dtl05-valkey-002': 'us-east-1b',
  'dtl05-valkey-003': 'us-east-1a',
};

function cacheCluster(id: string, engine = 'valkey', version = '8.2', nodeType = 'cache.t4g.micro', rg = 'dtl05-valkey') {
  return xml(
    fixture('elasticache-describe-cache-clusters.template.xml', {
      CacheClusterId: id,
      CacheNodeType: nodeType,
      Engine: engine,
      EngineVersion: version,
      PreferredAvailabilityZone: AZS[id] ?? 'us-west-2a',
      ReplicationGroupId: rg,
    }),
  );
}

function expectNoStack(err: EnvironmentError): void {
  expect(err.message).not.toContain('    at ');
  expect(err.nextStep ?? '').not.toContain('    at ');
}

describe('ElastiCache DescribeReplicationGroups over the wire (awsQuery XML)', () => {
  it('sends Action and ReplicationGroupId as a form and parses the AWS CLI example converted to XML', async () => {
    const { server, clients } = await setup((req) => {
      if (req.operation === 'DescribeReplicationGroups') return xml(fixture('elasticache-describe-replication-groups.xml'));
      throw new Error(`unexpected ${req.operation}`);
    });
    const out = await clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'my-cluster' }));
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.form?.get('Action')).toBe('DescribeReplicationGroups');
    expect(req.form?.get('Version')).toBe('2015-02-02');
    expect(req.form?.get('ReplicationGroupId')).toBe('my-cluster');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFORTESTS0000\/\d{8}\/us-east-1\/elasticache\/aws4_request/);

    const rg = out.ReplicationGroups?.[0];
    expect(rg?.ReplicationGroupId).toBe('my-cluster');
    expect(rg?.MemberClusters).toEqual(['pat-cluster-001', 'pat-cluster-002', 'pat-cluster-003', 'pat-cluster-004']);
    expect(rg?.NodeGroups?.[0]?.NodeGroupMembers?.map((m) => m.CurrentRole)).toEqual(['primary', 'replica', 'replica', 'replica']);
    expect(rg?.NodeGroups?.[0]?.PrimaryEndpoint?.Port).toBe(6379);
    expect(rg?.AutomaticFailover).toBe('disabled');
    expect(rg?.ClusterEnabled).toBe(false);
    expect(rg?.SnapshotRetentionLimit).toBe(0);
    expect(rg?.LogDeliveryConfigurations?.[0]?.DestinationDetails?.CloudWatchLogsDetails?.LogGroup).toBe('test-log');
  });

  it('runs every replication-group check on the CLI example and fails the ones it breaks', async () => {
    await setup((req) => {
      if (req.operation === 'DescribeReplicationGroups') return xml(fixture('elasticache-describe-replication-groups.xml'));
      if (req.operation === 'DescribeCacheClusters') return cacheCluster(req.form!.get('CacheClusterId')!, 'redis', '6.2.6', 'cache.r5.xlarge', 'my-cluster');
      throw new Error(`unexpected ${req.operation}`);
    });
    const results = await runLab05AwsChecks(clients!, { replicationGroupId: 'my-cluster', stackName: 'x', source: 'flags', region: 'us-west-2' });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['05.aws.replication-group']?.status).toBe('pass');
    expect(byId['05.aws.replicas']?.status).toBe('pass');
    expect(byId['05.aws.cluster-mode']?.status).toBe('pass');
    expect(byId['05.aws.engine']).toMatchObject({ status: 'fail' });
    expect(byId['05.aws.engine']?.message).toContain('Redis OSS 6.2.6');
    expect(byId['05.aws.availability-zones']?.message).toContain('us-west-2a');
    expect(byId['05.aws.automatic-failover']?.message).toContain('"disabled"');
    expect(byId['05.aws.multi-az']?.status).toBe('fail');
    expect(byId['05.aws.transit-encryption']?.status).toBe('fail');
    expect(byId['05.aws.at-rest-encryption']?.status).toBe('fail');
    expect(byId['05.aws.auth-token']?.status).toBe('fail');
    expect(byId['05.aws.backups']?.message).toContain('SnapshotRetentionLimit: 0');
    expect(byId['05.aws.node-type']?.message).toMatch(/cache\.r5\.xlarge, which costs about 27 x more/);
    expect(byId['05.aws.db-instance']?.status).toBe('skipped');
  });

  it('passes the lab stack end to end: outputs, replication group, member clusters, DB instance', async () => {
    const { server } = await setup((req) => {
      switch (req.operation) {
        case 'DescribeStacks':
          return xml(fixture('cloudformation-describe-stacks-lab05.xml'));
        case 'DescribeReplicationGroups':
          return xml(fixture('elasticache-describe-replication-groups-lab05.xml'));
        case 'DescribeCacheClusters':
          return cacheCluster(req.form!.get('CacheClusterId')!);
        case 'DescribeDBInstances':
          return xml(fixture('rds-describe-db-instances-lab05.xml'));
        default:
          throw new Error(`unexpected ${req.operation}`);
      }
    });
    const resources = await findCacheResources(clients!, lab05.stack, { region: 'us-east-1' });
    expect(resources).toMatchObject({
      source: 'stack',
      replicationGroupId: 'dtl05-valkey',
      redisPort: 6379,
      dbInstanceId: 'dtl05-mysql',
      dbPort: 3306,
      dbName: 'labdb',
      bastionInstanceId: 'i-0a1b2c3d4e5f67890',
    });
    const results = await runLab05AwsChecks(clients!, resources);
    const notPassing = results.filter((r) => r.status !== 'pass');
    expect(notPassing).toEqual([]);
    expect(results).toHaveLength(16);

    const ops = server.requests.map((r) => r.operation);
    expect(ops.filter((o) => o === 'DescribeCacheClusters')).toHaveLength(3);
    const stackReq = server.requests.find((r) => r.operation === 'DescribeStacks')!;
    expect(stackReq.form?.get('StackName')).toBe('DataTierLabs-05-ElastiCacheRedis');
    const dbReq = server.requests.find((r) => r.operation === 'DescribeDBInstances')!;
    expect(dbReq.form?.get('DBInstanceIdentifier')).toBe('dtl05-mysql');
    expect(dbReq.form?.get('Version')).toBe('2014-10-31');
  });
});

describe('CloudWatch GetMetricData over the wire (AWS JSON 1.0)', () => {
  it('sends the JSON 1.0 target and the CacheClusterId queries, and sums the figures', async () => {
    const { server } = await setup((req) => {
      if (req.target === 'GraniteServiceVersion20100801' && req.operation === 'GetMetricData') {
        return json10(fixture('cloudwatch-get-metric-data.json'));
      }
      throw new Error(`unexpected ${req.target}.${req.operation}`);
    });
    const since = new Date('2026-11-22T10:05:30Z');
    const { check, figures } = await runLab05TrafficCheck(clients!, 'dtl05-valkey', since, {
      memberClusterIds: ['dtl05-valkey-001', 'dtl05-valkey-002', 'dtl05-valkey-003'],
      now: () => new Date('2026-11-22T10:20:10Z'),
    });
    const req = server.requests[0]!;
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    // CloudWatch is awsQueryCompatible: the SDK asks for query-style error codes.
    expect(req.headers['x-amzn-query-mode']).toBe('true');
    const body = req.json as { StartTime: number; EndTime: number; MetricDataQueries: Array<Record<string, any>> };
    // JSON protocols send timestamps as epoch seconds; the window is widened to whole minutes.
    expect(body.StartTime).toBe(Date.parse('2026-11-22T10:05:00Z') / 1000);
    expect(body.EndTime).toBe(Date.parse('2026-11-22T10:21:00Z') / 1000);
    expect(body.MetricDataQueries).toHaveLength(6);
    expect(body.MetricDataQueries[0]).toMatchObject({
      Id: 'h0',
      MetricStat: {
        Metric: { Namespace: 'AWS/ElastiCache', MetricName: 'CacheHits', Dimensions: [{ Name: 'CacheClusterId', Value: 'dtl05-valkey-001' }] },
        Period: 60,
        Stat: 'Sum',
      },
    });
    expect(body.MetricDataQueries[1]?.MetricStat?.Metric?.MetricName).toBe('CacheMisses');

    expect(figures.hits).toBe(212);
    expect(figures.misses).toBe(20);
    expect(figures.byCluster['dtl05-valkey-003']).toEqual({ hits: 2, misses: 0 });
    expect(check.status).toBe('pass');
    expect(check.message).toContain('212 cache hits and 20 misses');
  });

  it('turns a JSON 1.0 AccessDeniedException into an error result naming cloudwatch:GetMetricData', async () => {
    await setup(() => json10(fixture('cloudwatch-error-access-denied.json'), 400, { 'x-amzn-query-error': 'AccessDenied;Sender' }));
    const { check } = await runLab05TrafficCheck(clients!, 'dtl05-valkey', new Date(), { memberClusterIds: ['dtl05-valkey-001'] });
    expect(check.status).toBe('error');
    expect(check.message).toContain('cloudwatch:GetMetricData');
    expect(check.message).toContain('arn:aws:iam::123456789012:user/learner');
    expect(check.message).not.toContain('    at ');
  });
});

describe('CloudFormation, STS and Secrets Manager over the wire', () => {
  it('reads stack outputs from DescribeStacks XML', async () => {
    await setup(() => xml(fixture('cloudformation-describe-stacks-lab05.xml')));
    const outputs = await readStackOutputs(clients!.cloudformation, 'DataTierLabs-05-ElastiCacheRedis');
    expect(outputs.ReplicationGroupId).toBe('dtl05-valkey');
    expect(outputs.DbSecretArn).toMatch(/^arn:aws:secretsmanager:/);
    expect(Object.keys(outputs)).toHaveLength(9);
  });

  it('whoAmI parses GetCallerIdentity', async () => {
    const { server } = await setup(() => xml(fixture('sts-get-caller-identity.xml')));
    const me = await whoAmI(clients!);
    expect(me).toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/learner', userId: 'AIDAEXAMPLEUSERID1234' });
    expect(server.requests[0]?.form?.get('Action')).toBe('GetCallerIdentity');
  });

  it('reads the DB credentials and the AUTH token with GetSecretValue (JSON 1.1)', async () => {
    const { server } = await setup((req) => {
      const id = String(req.json?.SecretId ?? '');
      if (id.includes('DatabaseSecret')) return json11(fixture('secretsmanager-get-secret-value-db.json'));
      return json11(fixture('secretsmanager-get-secret-value-auth.json'));
    });
    const db = await readDbCredentials(clients!.secrets, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:DatabaseSecret3B81-AbCdEf');
    expect(db).toEqual({
      username: 'labadmin',
      password: 'fake-password-for-tests',
      host: 'dtl05-mysql.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com',
      port: 3306,
      dbname: 'labdb',
    });
    const token = await readRedisAuthToken(clients!.secrets, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:CacheAuthToken1A2B3C-Xy9Zab');
    expect(token).toHaveLength(64);
    expect(server.requests[0]?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
  });
});

describe('errors in the real wire format are classified', () => {
  it('AccessDenied <ErrorResponse> with HTTP 403 -> access-denied naming the IAM action and the principal', async () => {
    await setup(() => xml(fixture('elasticache-error-access-denied.xml'), 403));
    const err = await clients!.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'dtl05-valkey' })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AccessDenied');
    expect(classifyAwsError(err)).toBe('access-denied');
    const explained = explainAwsError(err, { action: 'elasticache:DescribeReplicationGroups', region: 'us-east-1' });
    expect(explained.message).toContain('missing the IAM permission elasticache:DescribeReplicationGroups');
    expect(explained.message).toContain('arn:aws:iam::123456789012:user/learner');
    expectNoStack(explained);
  });

  it('the checks report AccessDenied as error (not fail) and skip what depends on it', async () => {
    await setup(() => xml(fixture('elasticache-error-access-denied.xml'), 403));
    const results = await runLab05AwsChecks(clients!, { replicationGroupId: 'dtl05-valkey', stackName: 'x', source: 'flags' });
    expect(results[0]).toMatchObject({ id: '05.aws.replication-group', status: 'error' });
    expect(results.filter((r) => r.status === 'skipped').length).toBeGreaterThanOrEqual(11);
    expect(results.some((r) => r.status === 'fail')).toBe(false);
  });

  it('CloudFormation ValidationError "Stack with id X does not exist" -> deploy, flags or region', async () => {
    await setup(() => xml(fixture('cloudformation-error-stack-missing.xml'), 400));
    const err = await readStackOutputs(clients!.cloudformation, 'DataTierLabs-05-ElastiCacheRedis', { region: 'us-east-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    const e = err as EnvironmentError;
    expect(e.message).toContain('no stack named DataTierLabs-05-ElastiCacheRedis');
    expect(e.nextStep).toContain('npm run deploy 5');
    expect(e.nextStep).toContain('--replication-group <id>');
    expect(e.nextStep).toContain('--region');
    expectNoStack(e);
  });

  it('ReplicationGroupNotFoundFault (404) -> the replication-group check fails naming the id', async () => {
    await setup(() => xml(fixture('elasticache-error-replication-group-not-found.xml'), 404));
    const err = await clients!.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'dtl05-typo' })).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ReplicationGroupNotFoundFault');
    expect(classifyAwsError(err)).toBe('not-found');
    const results = await runLab05AwsChecks(clients!, { replicationGroupId: 'dtl05-typo', stackName: 'x', source: 'flags', region: 'us-east-1' });
    expect(results[0]).toMatchObject({ id: '05.aws.replication-group', status: 'fail' });
    expect(results[0]?.message).toContain('"dtl05-typo" in us-east-1');
  });

  it('STS ExpiredToken -> expired; InvalidClientTokenId -> region/credentials not recognised', async () => {
    await setup((req) =>
      req.headers['x-test-case'] === 'invalid' ? xml(fixture('sts-error-invalid-client-token-id.xml'), 403) : xml(fixture('sts-error-expired-token.xml'), 403),
    );
    const expired = await whoAmI(clients!).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(EnvironmentError);
    expect((expired as EnvironmentError).message).toContain('session has expired');
    expect((expired as EnvironmentError).nextStep).toContain('aws sso login');
    expectNoStack(expired as EnvironmentError);

    clients!.sts.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-test-case'] = 'invalid';
        return next(args);
      },
      { step: 'build', name: 'testCaseHeader' },
    );
    const invalid = await whoAmI(clients!).catch((e: unknown) => e);
    expect((invalid as EnvironmentError).message).toContain('InvalidClientTokenId');
    expect((invalid as EnvironmentError).message).toContain('opt-in region');
    expectNoStack(invalid as EnvironmentError);
  });

  it('Secrets Manager ResourceNotFoundException (JSON 1.1) -> not found, naming the secret', async () => {
    await setup(() => json11(fixture('secretsmanager-error-not-found.json'), 400));
    const err = await readRedisAuthToken(clients!.secrets, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gone', {
      region: 'us-east-1',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toContain('arn:aws:secretsmanager:us-east-1:123456789012:secret:gone');
    expect((err as EnvironmentError).message).toContain('ResourceNotFoundException');
    expectNoStack(err as EnvironmentError);
  });

  it('a closed port -> network unreachable, not a stack trace', async () => {
    const s = await startWireServer(() => xml(''));
    const endpoint = s.endpoint;
    await s.close();
    clients = makeAwsClients({ region: 'us-east-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    const err = await whoAmI(clients).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toContain('Could not reach AWS');
    expect((err as EnvironmentError).message).toContain('ECONNREFUSED');
    expectNoStack(err as EnvironmentError);
  });
});
