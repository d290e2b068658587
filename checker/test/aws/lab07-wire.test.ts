/**
 * Lab 7 at the wire level: the SDK's own (de)serialisers against recorded
 * answers in AWS's formats - CloudFormation, RDS, ElastiCache and EC2 in
 * query XML, Lambda's REST-JSON GetFunctionConfiguration, and Lambda Invoke
 * with LogType Tail: the payload as the body and the log tail, base64 of the
 * real log lines (INIT_START, START, END, REPORT), in X-Amz-Log-Result.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { lab07AwsPlan, LAB07_INVOKE_MEASUREMENT } from '../../checks/07-serverless-cache/aws-plan.js';
import type { InvokeMeasurement } from '../../checks/07-serverless-cache/invoke.js';
import { planContext } from './lab07-helpers.js';
import { fixture, startWireServer, xml, type WireHandler, type WireRequest, type WireResponse, type WireServer } from './wire-server.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const FN = 'DataTierLabs-07-ServerlessCache-Function76856677-AbCdEf123456';
const FN_SG = 'sg-0f1f2f3f4f5f6f7f8';

let server: WireServer | undefined;
let clients: AwsClients | undefined;

afterEach(async () => {
  if (clients) destroyAwsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

interface World {
  timeout?: number;
  memory?: number;
  architecture?: string;
  extraRoute?: string;
  dbSource?: string;
  dbExtraIngress?: string;
  minCapacity?: string;
  transitEncryption?: string;
  /** Lambda's answer to the n-th invocation (1-based) for a user id. */
  invoke?: (n: number, id: string) => WireResponse;
}

function json(body: string, status = 200, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

/** A handler's answer as Lambda sends it: the payload as the body, the log tail in a header. */
function invokeAnswer(n: number, id: string, seen: Set<string>): WireResponse {
  const known = ['1', '2', '3'].includes(id);
  const source = known && seen.has(id) ? 'cache' : 'database';
  seen.add(id);
  const requestId = `7c9e1a3b-5d7f-4a9c-8e0b-${String(n).padStart(12, '0')}`;
  const duration = source === 'cache' ? (1.8 + n / 10).toFixed(2) : (41.5 + n).toFixed(2);
  const init = n === 1 ? '438.27' : undefined;
  const tail = fixture(init ? 'lambda-invoke-log-tail-cold.template.txt' : 'lambda-invoke-log-tail-warm.template.txt', {
    RequestId: requestId,
    UserId: id,
    Source: source,
    Duration: duration,
    Billed: String(Math.ceil(Number(duration) + Number(init ?? 0))),
    Init: init ?? '',
  });
  const payload = known
    ? {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: Number(id), name: `User ${id}`, email: `user${id}@example.com` }, source }),
      }
    : { statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `No user ${id}` }) };
  return json(JSON.stringify(payload), 200, {
    'x-amz-executed-version': '$LATEST',
    'x-amz-log-result': Buffer.from(tail).toString('base64'),
    'x-amzn-trace-id': `root=1-6751a2b3-0a1b2c3d4e5f6a7b8c9d0e1f;sampled=0;lineage=1:${n}`,
  });
}

function handlerFor(world: World = {}): WireHandler {
  const seen = new Set<string>();
  let invocations = 0;
  return (req: WireRequest) => {
    if (req.operation === 'DescribeStacks') return xml(fixture('lab07-cloudformation-describe-stacks.xml'));
    if (req.operation === 'DescribeDBClusters')
      return xml(
        fixture('rds-describe-db-clusters-lab07.template.xml', { DbGroup: 'sg-0d1d2d3d4d5d6d7d8', IamAuth: 'true', MinCapacity: world.minCapacity ?? '0.0' }),
      );
    if (req.operation === 'DescribeReplicationGroups')
      return xml(fixture('elasticache-describe-replication-groups-lab07.template.xml', { TransitEncryption: world.transitEncryption ?? 'true' }));
    if (req.operation === 'DescribeCacheClusters') return xml(fixture('elasticache-describe-cache-clusters-lab07.xml'));
    if (req.operation === 'DescribeRouteTables') return xml(fixture('lab07-ec2-describe-route-tables.template.xml', { ExtraRoute: world.extraRoute ?? '' }));
    if (req.operation === 'DescribeSecurityGroups')
      return xml(fixture('lab07-ec2-describe-security-groups.template.xml', { DbSource: world.dbSource ?? FN_SG, DbExtraIngress: world.dbExtraIngress ?? '' }));
    if (req.method === 'GET' && req.url === `/2015-03-31/functions/${FN}/configuration`) {
      return json(
        fixture('lambda-get-function-configuration-lab07.template.json', {
          Timeout: String(world.timeout ?? 30),
          MemorySize: String(world.memory ?? 512),
          Architecture: world.architecture ?? 'arm64',
        }),
      );
    }
    if (req.method === 'POST' && req.url === `/2015-03-31/functions/${FN}/invocations`) {
      invocations += 1;
      const event = JSON.parse(req.body) as { pathParameters: { id: string } };
      return world.invoke ? world.invoke(invocations, event.pathParameters.id) : invokeAnswer(invocations, event.pathParameters.id, seen);
    }
    throw new Error(`unexpected ${req.method} ${req.url} ${req.operation}`);
  };
}

async function setup(world: World = {}) {
  server = await startWireServer(handlerFor(world));
  clients = makeAwsClients({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  const ctx = planContext(clients);
  const inspection = await lab07AwsPlan({ userIds: ['1', '2', '3'] }).inspect(ctx);
  for (const close of ctx.closers) ctx.onClose(close);
  return { server, ctx, inspection, byId: Object.fromEntries(inspection.checks.map((c) => [c.id, c])) };
}

describe('Lab 7 from the wire', () => {
  it('the deployed stack as AWS describes it passes every resource check', async () => {
    const { inspection, server } = await setup();
    expect(inspection.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['07.aws.function-user', 'skipped']]);
    expect(inspection.checks).toHaveLength(11);
    const config = server.requests.find((r) => r.url.endsWith('/configuration'))!;
    expect(config.method).toBe('GET');
    const sgs = server.requests.find((r) => r.operation === 'DescribeSecurityGroups')!;
    expect([sgs.form!.get('GroupId.1'), sgs.form!.get('GroupId.2'), sgs.form!.get('GroupId.3')]).toEqual([
      FN_SG,
      'sg-0d1d2d3d4d5d6d7d8',
      'sg-0c1c2c3c4c5c6c7c8',
    ]);
    const routes = server.requests.find((r) => r.operation === 'DescribeRouteTables')!;
    expect([routes.form!.get('Filter.1.Name'), routes.form!.get('Filter.1.Value.1')]).toEqual(['vpc-id', 'vpc-0a1b2c3d4e5f60718']);
    expect(JSON.stringify(inspection.checks)).not.toMatch(/wireFixture(Token|Password)/);
  });

  it('reads decimals and booleans from the XML: a 0.5 ACU minimum, TLS off', async () => {
    const { byId } = await setup({ minCapacity: '0.5', transitEncryption: 'false' });
    expect(byId['07.aws.scaling']).toMatchObject({ status: 'fail', message: expect.stringContaining('scales from 0.5 ACU') });
    expect(byId['07.aws.cache']).toMatchObject({ status: 'fail', message: expect.stringContaining('TLS is off') });
  });

  it('finds a NAT route on a data subnet and a database group open to the internet', async () => {
    const { byId } = await setup({
      extraRoute:
        '                <item>\n                    <destinationCidrBlock>0.0.0.0/0</destinationCidrBlock>\n                    <natGatewayId>nat-0f9e8d7c6b5a49382</natGatewayId>\n                    <state>active</state>\n                    <origin>CreateRoute</origin>\n                </item>\n',
      dbExtraIngress:
        '                <item>\n                    <ipProtocol>tcp</ipProtocol>\n                    <fromPort>3306</fromPort>\n                    <toPort>3306</toPort>\n                    <groups/>\n                    <ipRanges>\n                        <item>\n                            <cidrIp>0.0.0.0/0</cidrIp>\n                        </item>\n                    </ipRanges>\n                    <ipv6Ranges/>\n                    <prefixListIds/>\n                </item>\n',
    });
    expect(byId['07.aws.vpc']).toMatchObject({ status: 'fail', message: expect.stringContaining('rtb-0data000000000002: 0.0.0.0/0 -> nat-0f9e8d7c6b5a49382') });
    expect(byId['07.aws.security-groups']).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('sg-0d1d2d3d4d5d6d7d8 admits port 3306 from anywhere'),
    });
  });

  it("reads Lambda's configuration: x86_64, 3 s and 128 MB fail", async () => {
    const { byId } = await setup({ architecture: 'x86_64', timeout: 3, memory: 128 });
    expect(byId['07.aws.runtime']).toMatchObject({ status: 'fail', message: expect.stringContaining('x86_64, not arm64') });
    expect(byId['07.aws.timeout']!.status).toBe('fail');
    expect(byId['07.aws.memory']!.status).toBe('fail');
  });

  it('invokes with LogType Tail and reads the REPORT lines from X-Amz-Log-Result: one cold start, database then cache', async () => {
    const { inspection, server } = await setup();
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks.map((c) => [c.id, c.status])).toEqual([
      ['07.aws.invoke', 'pass'],
      ['07.aws.warm-reuse', 'pass'],
      ['07.aws.cache-hits', 'pass'],
      ['07.aws.not-found', 'pass'],
    ]);
    const invokes = server.requests.filter((r) => r.url.endsWith('/invocations'));
    expect(invokes).toHaveLength(8);
    expect(invokes[0]!.headers['x-amz-log-type']).toBe('Tail');
    expect(invokes[0]!.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(JSON.parse(invokes[0]!.body)).toMatchObject({ version: '2.0', routeKey: 'GET /users/{id}', rawPath: '/users/1', pathParameters: { id: '1' } });
    const m = after.measurements![LAB07_INVOKE_MEASUREMENT] as InvokeMeasurement;
    expect(m).toMatchObject({ invocations: 6, coldStarts: 1, initMs: { n: 1, p50: 438.27 } });
    // Database reads 42.50, 43.50, 44.50 ms; cache hits 2.20, 2.30, 2.40 ms (REPORT Duration).
    expect(m.handlerMs.database).toMatchObject({ n: 3, p50: 43.5, p99: 44.5 });
    expect(m.handlerMs.cache).toMatchObject({ n: 3, p50: 2.3, p99: 2.4 });
    expect(m.ratio.handler).toBe(18.9);
    expect(m.roundTripMs.cold.n).toBe(1);
    expect(m.roundTripMs.warm.n).toBe(5);
  });

  it('reads X-Amz-Function-Error and the error payload of a timed-out invocation', async () => {
    const { inspection } = await setup({
      invoke: (n) =>
        json(
          JSON.stringify({
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: 7c9e1a3b-5d7f-4a9c-8e0b-${String(n).padStart(12, '0')} Error: Task timed out after 3.00 seconds`,
          }),
          200,
          {
            'x-amz-executed-version': '$LATEST',
            'x-amz-function-error': 'Unhandled',
            'x-amz-log-result': Buffer.from(
              `START RequestId: r${n} Version: $LATEST\nEND RequestId: r${n}\nREPORT RequestId: r${n}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: timeout\n`,
            ).toString('base64'),
          },
        ),
    });
    const after = await inspection.after!({ target: 'aws' } as never, new Date());
    expect(after.checks[0]).toMatchObject({
      id: '07.aws.invoke',
      status: 'fail',
      message: expect.stringContaining('Sandbox.Timedout: RequestId:'),
      hint: expect.stringContaining('timeoutSeconds'),
    });
    expect(after.checks.find((c) => c.id === '07.aws.not-found')!.status).toBe('fail');
  });
});
