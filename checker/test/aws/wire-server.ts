/**
 * A loopback HTTP server that answers AWS SDK calls with recorded responses in
 * AWS's real wire formats, so the SDK's own serialisers and deserialisers run.
 * It records every request (decoded form body or JSON body, target header) so
 * tests can assert what the SDK sent.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/aws');

export function fixture(name: string, vars: Record<string, string> = {}): string {
  let text = readFileSync(path.join(FIXTURES, name), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`{{${k}}}`).join(v);
  return text;
}

export interface WireRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Query protocol (RDS, ElastiCache, CloudFormation, STS): the form parameters. */
  form?: URLSearchParams;
  /** JSON protocols (CloudWatch, Secrets Manager): the parsed body. */
  json?: Record<string, unknown>;
  /** `Action` of a query call, or the operation part of X-Amz-Target. */
  operation: string;
  /** The service prefix of X-Amz-Target (JSON protocols). */
  target?: string;
}

export interface WireResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export type WireHandler = (req: WireRequest) => WireResponse;

export interface WireServer {
  endpoint: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

export const xml = (body: string, status = 200): WireResponse => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body,
});

export const json10 = (body: string, status = 200, headers: Record<string, string> = {}): WireResponse => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', ...headers },
  body,
});

export const json11 = (body: string, status = 200): WireResponse => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body,
});

export async function startWireServer(handler: WireHandler): Promise<WireServer> {
  const requests: WireRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const contentType = String(req.headers['content-type'] ?? '');
      const targetHeader = req.headers['x-amz-target'];
      const wire: WireRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, operation: '' };
      if (contentType.startsWith('application/x-www-form-urlencoded')) {
        wire.form = new URLSearchParams(body);
        wire.operation = wire.form.get('Action') ?? '';
      } else if (typeof targetHeader === 'string') {
        const [service, operation] = targetHeader.split('.');
        wire.target = service;
        wire.operation = operation ?? '';
        wire.json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      }
      requests.push(wire);
      let out: WireResponse;
      try {
        out = handler(wire);
      } catch (err) {
        out = { status: 599, body: `test server handler failed: ${(err as Error).message}` };
      }
      const payload = Buffer.from(out.body, 'utf8');
      res.writeHead(out.status ?? 200, {
        'x-amzn-requestid': '00000000-0000-4000-8000-000000000000',
        'content-length': String(payload.length),
        ...(out.headers ?? {}),
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * RDS DescribeDBMajorEngineVersions and DescribeDBEngineVersions answers in
 * awsQuery XML, from the lifecycle dates the mock tests use too; undefined
 * for any other operation.
 */
export function lifecycleWireAnswer(
  req: WireRequest,
  lifecycles: Record<string, Record<string, { standardEnds: string; extendedEnds: string }>>,
  status: (engine: string, version: string) => string = () => 'available',
): WireResponse | undefined {
  const engine = req.form?.get('Engine') ?? '';
  if (req.operation === 'DescribeDBMajorEngineVersions') {
    const major = req.form?.get('MajorEngineVersion') ?? '';
    const lc = lifecycles[engine]?.[major];
    if (!lc)
      return xml(
        '<DescribeDBMajorEngineVersionsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBMajorEngineVersionsResult><DBMajorEngineVersions/></DescribeDBMajorEngineVersionsResult><ResponseMetadata><RequestId>0</RequestId></ResponseMetadata></DescribeDBMajorEngineVersionsResponse>',
      );
    return xml(
      fixture('rds-describe-db-major-engine-versions.template.xml', {
        Engine: engine,
        MajorEngineVersion: major,
        StandardStart: '2024-07-31T00:00:00Z',
        StandardEnd: lc.standardEnds,
        ExtendedEnd: lc.extendedEnds,
      }),
    );
  }
  if (req.operation === 'DescribeDBEngineVersions') {
    const version = req.form?.get('EngineVersion') ?? '';
    return xml(
      fixture('rds-describe-db-engine-versions.template.xml', {
        Engine: engine,
        EngineVersion: version,
        Family: engine === 'aurora-mysql' ? 'aurora-mysql8.0' : `mysql${version.split('.').slice(0, 2).join('.')}`,
        Description: engine === 'aurora-mysql' ? 'Aurora MySQL' : 'MySQL Community Edition',
        Status: status(engine, version),
      }),
    );
  }
  return undefined;
}
