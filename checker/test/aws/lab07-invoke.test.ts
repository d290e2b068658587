/** The pieces of Lab 7's invocation reading: REPORT lines, events, percentiles, the series' figures. */
import { describe, expect, it } from 'vitest';
import { measure, parseReport, percentile, userEvent, type InvokeSample } from '../../checks/07-serverless-cache/invoke.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('parseReport', () => {
  it('reads a cold REPORT line, Init Duration included', () => {
    const tail = b64(
      'INIT_START Runtime Version: nodejs:22.v47\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc\n' +
        'START RequestId: 6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b Version: $LATEST\n' +
        'END RequestId: 6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b\n' +
        'REPORT RequestId: 6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b\tDuration: 57.21 ms\tBilled Duration: 512 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\tInit Duration: 454.30 ms\t\n',
    );
    expect(parseReport(tail)).toEqual({
      requestId: '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      durationMs: 57.21,
      billedMs: 512,
      memorySizeMb: 512,
      maxMemoryUsedMb: 91,
      initMs: 454.3,
    });
  });

  it('reads a warm one (no Init Duration), and one followed by an X-Ray line', () => {
    const warm = parseReport(
      b64(
        'REPORT RequestId: a\tDuration: 1.93 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 88 MB\t\nXRAY TraceId: 1-6751a2b3-0a1b2c3d4e5f6a7b8c9d0e1f\tSegmentId: 1a2b3c4d5e6f7a8b\tSampled: true\n',
      ),
    );
    expect(warm).toMatchObject({ durationMs: 1.93, billedMs: 2 });
    expect(warm).not.toHaveProperty('initMs');
  });

  it('reads a timed-out invocation (Status: timeout)', () => {
    expect(
      parseReport(b64('REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tStatus: timeout\n')),
    ).toMatchObject({ durationMs: 3000, billedMs: 3000 });
  });

  it('says nothing when the 4 KB tail holds no REPORT line, or no tail came back', () => {
    expect(parseReport(b64('2026-12-04T10:00:00.000Z\tr1\tINFO\t' + 'x'.repeat(4000)))).toBeUndefined();
    expect(parseReport(undefined)).toBeUndefined();
    expect(parseReport('')).toBeUndefined();
  });

  it('does not mistake Billed Duration for Duration', () => {
    // Only "Billed Duration" present: the line is malformed, not a 5 ms invocation.
    expect(parseReport(b64('REPORT RequestId: r\tBilled Duration: 5 ms\n'))).toBeUndefined();
  });
});

describe('userEvent', () => {
  it('is an HTTP API payload 2.0 event for the route /users/{id}', () => {
    const e = userEvent('PUT', '42', { name: 'Ada' }, new Date('2026-12-04T10:00:00Z')) as Record<string, any>;
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: 'PUT /users/{id}',
      rawPath: '/users/42',
      pathParameters: { id: '42' },
      body: '{"name":"Ada"}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'PUT', path: '/users/42' }, timeEpoch: Date.parse('2026-12-04T10:00:00Z'), stage: '$default' },
    });
    expect(userEvent('GET', '1')).not.toHaveProperty('body');
  });
});

describe('percentiles and the measurement', () => {
  it('uses the nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('leaves failed and unreported invocations out of the figures and gives no ratio without both sources', () => {
    const sample = (source: string, durationMs: number, extra: Partial<InvokeSample> = {}): InvokeSample => ({
      method: 'GET',
      id: '1',
      roundTripMs: durationMs + 20,
      status: 200,
      source,
      report: { durationMs, billedMs: Math.ceil(durationMs) },
      ...extra,
    });
    const m = measure([sample('database', 40), sample('database', 60, { functionError: 'Unhandled' }), sample('database', 50, { report: undefined })]);
    expect(m.handlerMs.database).toMatchObject({ n: 1, p50: 40 });
    expect(m.ratio).toEqual({ handler: undefined, roundTrip: undefined });
    expect(m.invocations).toBe(3);
  });
});
