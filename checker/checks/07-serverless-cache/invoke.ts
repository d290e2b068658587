/**
 * Invoking the deployed Lab 7 function the way API Gateway (HTTP API, payload
 * format 2.0) or a function URL would, and reading what Lambda itself says
 * about each invocation: `LogType: 'Tail'` returns the last 4 KB of the
 * invocation's log, base64-encoded, ending with the platform's REPORT line
 * (Duration, Billed Duration, Memory Size, Max Memory Used, and Init Duration
 * on a cold start).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { explainAwsError } from '../../aws/errors.js';

/** An API Gateway HTTP API (v2) / function URL event for `METHOD /users/{id}`. */
export function userEvent(method: 'GET' | 'PUT', id: string, body?: unknown, now = new Date()): Record<string, unknown> {
  const path = `/users/${encodeURIComponent(id)}`;
  return {
    version: '2.0',
    routeKey: `${method} /users/{id}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'data-tier-labs-checker' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'data-tier-labs',
      domainName: 'lambda-invoke.local',
      domainPrefix: 'lambda-invoke',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'data-tier-labs-checker' },
      requestId: `kit-${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`,
      routeKey: `${method} /users/{id}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    pathParameters: { id },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** What the REPORT line of one invocation says, in milliseconds and MB. */
export interface LambdaReport {
  requestId?: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  /** Present only when this invocation started a new execution environment. */
  initMs?: number;
}

/** One tab-separated field: "Duration" must not match inside "Billed Duration" or "Init Duration". */
const field = (line: string, name: string): number | undefined => {
  const m = new RegExp(`(?:^|\\t)${name}: ([\\d.]+) (?:ms|MB)`).exec(line);
  return m ? Number(m[1]) : undefined;
};

/** The REPORT line of a base64 log tail (the last one, if several), or undefined when the tail has none. */
export function parseReport(logResultBase64: string | undefined): LambdaReport | undefined {
  if (!logResultBase64) return undefined;
  const text = Buffer.from(logResultBase64, 'base64').toString('utf8');
  const line = text
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('REPORT '));
  if (!line) return undefined;
  const durationMs = field(line, 'Duration');
  const billedMs = field(line, 'Billed Duration');
  if (durationMs === undefined || billedMs === undefined) return undefined;
  const report: LambdaReport = {
    requestId: /RequestId: ([0-9a-f-]+)/i.exec(line)?.[1],
    durationMs,
    billedMs,
    memorySizeMb: field(line, 'Memory Size'),
    maxMemoryUsedMb: field(line, 'Max Memory Used'),
  };
  const init = field(line, 'Init Duration');
  if (init !== undefined) report.initMs = init;
  return report;
}

/** One invocation as the checker saw it. */
export interface InvokeSample {
  method: 'GET' | 'PUT';
  id: string;
  /** Wall-clock time of the Invoke call, end to end (network, Lambda front end, the handler). */
  roundTripMs: number;
  /** The handler's HTTP status, when it answered one. */
  status?: number;
  /** `source` from the response body: "cache" or "database". */
  source?: string;
  /** Unhandled, or Lambda's own (timeout, out of memory): the errorMessage if there was one. */
  functionError?: string;
  report?: LambdaReport;
}

function parsePayload(payload: Uint8Array | undefined): { status?: number; source?: string; error?: string } {
  if (!payload || payload.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return {};
  }
  const v = (value ?? {}) as { statusCode?: unknown; body?: unknown; errorMessage?: unknown; errorType?: unknown };
  if (typeof v.errorMessage === 'string') return { error: `${typeof v.errorType === 'string' ? `${v.errorType}: ` : ''}${v.errorMessage}` };
  let body: unknown = v.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const source = (body as { source?: unknown } | undefined)?.source;
  return { status: typeof v.statusCode === 'number' ? v.statusCode : undefined, source: typeof source === 'string' ? source : undefined };
}

export interface InvokeContext {
  region?: string;
  profile?: string;
  now?: () => Date;
}

/** Invokes once (RequestResponse, log tail on); AWS failures come back explained. */
export async function invokeOnce(
  lambda: LambdaClient,
  functionName: string,
  method: 'GET' | 'PUT',
  id: string,
  body?: unknown,
  ctx: InvokeContext = {},
): Promise<InvokeSample> {
  const started = performance.now();
  let out;
  try {
    out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: Buffer.from(JSON.stringify(userEvent(method, id, body, ctx.now?.()))),
      }),
    );
  } catch (err) {
    throw explainAwsError(err, {
      action: 'lambda:InvokeFunction',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'Lambda function', id: functionName },
    });
  }
  const roundTripMs = Math.round((performance.now() - started) * 10) / 10;
  const parsed = parsePayload(out.Payload);
  return {
    method,
    id,
    roundTripMs,
    status: parsed.status,
    source: parsed.source,
    ...(out.FunctionError ? { functionError: parsed.error ?? out.FunctionError } : {}),
    report: parseReport(out.LogResult),
  };
}

/** Nearest-rank percentile of a list (not sorted in place). */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LatencySummary {
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

export function summarise(values: number[]): LatencySummary {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

/** The figures of a series: handler time (REPORT Duration) and round trip, by source and by cold/warm. */
export interface InvokeMeasurement {
  invocations: number;
  coldStarts: number;
  initMs: LatencySummary;
  handlerMs: { cache: LatencySummary; database: LatencySummary };
  roundTripMs: { cache: LatencySummary; database: LatencySummary; cold: LatencySummary; warm: LatencySummary };
  /** Database p50 over cache p50 at the handler and end to end; undefined without both kinds. */
  ratio: { handler?: number; roundTrip?: number };
}

const round1 = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 10) / 10);

export function measure(samples: InvokeSample[]): InvokeMeasurement {
  const ok = samples.filter((s) => !s.functionError && s.report);
  const by = (source: string) => ok.filter((s) => s.source === source);
  const cold = ok.filter((s) => s.report!.initMs !== undefined);
  const warm = ok.filter((s) => s.report!.initMs === undefined);
  const cache = summarise(by('cache').map((s) => s.report!.durationMs));
  const database = summarise(by('database').map((s) => s.report!.durationMs));
  const rtCache = summarise(by('cache').map((s) => s.roundTripMs));
  const rtDatabase = summarise(by('database').map((s) => s.roundTripMs));
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? round1(a / b) : undefined);
  return {
    invocations: samples.length,
    coldStarts: cold.length,
    initMs: summarise(cold.map((s) => s.report!.initMs!)),
    handlerMs: { cache, database },
    roundTripMs: { cache: rtCache, database: rtDatabase, cold: summarise(cold.map((s) => s.roundTripMs)), warm: summarise(warm.map((s) => s.roundTripMs)) },
    ratio: { handler: ratio(database.p50, cache.p50), roundTrip: ratio(rtDatabase.p50, rtCache.p50) },
  };
}
