/**
 * Lab 4's capacity reading (sampleServerlessCapacity) on the wire: it reads
 * through the run's shared CloudWatch client when it has one (so the
 * configured endpoint, credentials and retries hold), and otherwise builds one
 * from the shared configuration, which also honours AWS_ENDPOINT_URL.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { destroyAwsClients, makeAwsClients, type AwsClients } from '../../aws/clients.js';
import { sampleServerlessCapacity } from '../../aws/serverless-capacity.js';
import { fixture, json10, startWireServer, type WireServer } from './wire-server.js';

const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake-secret-key-for-wire-tests' };
const CL = 'datatierlabs-04-auroraserverless-cluster8f3d1b7a-t2v5x8z1b4d7';

let server: WireServer | undefined;
let clients: AwsClients | undefined;

async function startCloudWatch(): Promise<WireServer> {
  server = await startWireServer((req) =>
    req.operation === 'GetMetricData' ? json10(fixture('lab04-cloudwatch-get-metric-data-serverless-capacity.json')) : json10('{}', 400),
  );
  return server;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  if (clients) destroyAwsClients(clients);
  if (server) await server.close();
  clients = undefined;
  server = undefined;
});

describe('sampleServerlessCapacity on the wire', () => {
  it('reads through the shared CloudWatch client it is given (its endpoint and credentials)', async () => {
    const cw = await startCloudWatch();
    // Nothing in the environment points anywhere: only the shared client knows the endpoint and credentials.
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    clients = makeAwsClients({ region: 'us-east-1', endpoint: cw.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    const value = await sampleServerlessCapacity({ region: 'us-east-1', clusterId: CL }, undefined, clients.cloudwatch);
    expect(cw.requests.map((r) => r.operation)).toEqual(['GetMetricData']);
    expect(cw.requests[0].json?.MetricDataQueries).toMatchObject([{ MetricStat: { Metric: { MetricName: 'ServerlessDatabaseCapacity' } } }]);
    expect(typeof value).toBe('number');
  });

  it('without a client (the exercise process) sends GetMetricData to the endpoint AWS_ENDPOINT_URL names', async () => {
    const cw = await startCloudWatch();
    vi.stubEnv('AWS_ENDPOINT_URL', cw.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const value = await sampleServerlessCapacity({ region: 'us-east-1', clusterId: CL });
    expect(cw.requests.map((r) => r.operation)).toEqual(['GetMetricData']);
    expect(typeof value).toBe('number');
  });
});
