/**
 * The local Lambda runtime behaves as Lambda does where a handler can tell:
 * one module load per execution environment, warm reuse, a new environment
 * per concurrent request, the timeout kills the environment, a crash or a
 * failed init is reported as Lambda reports it, only the function's variables
 * reach the environment, and nothing is left running after close().
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalFunction, reportLine } from '../../runner/lambda-local.js';
import { repoPath } from '../gate/support.js';

const COUNTER = repoPath('checker/test/fixtures/lambda/counter.ts');
const opened: LocalFunction[] = [];

function fn(file = COUNTER, timeoutMs = 2_000): LocalFunction {
  const f = new LocalFunction({ file, functionName: 'runtime-test', environment: { FOO: 'bar' }, timeoutMs });
  opened.push(f);
  return f;
}

interface CounterAnswer {
  pid: number;
  invocations: number;
  requestId: string;
  remaining: number;
  env: { FOO?: string; HOME: string | null; fn?: string };
}

const environmentsRunning = () => spawnSync('pgrep', ['-P', String(process.pid), '-f', 'data-tier-labs/lambda-env-'], { encoding: 'utf8' }).stdout.trim();

afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.close()));
});

describe('local Lambda runtime', () => {
  it('loads the module once per environment and reuses it while warm; the first invocation reports its init', async () => {
    const f = fn();
    const first = await f.invoke({});
    const second = await f.invoke({});
    const a = first.payload as CounterAnswer;
    const b = second.payload as CounterAnswer;
    expect(b.pid).toBe(a.pid);
    expect([a.invocations, b.invocations]).toEqual([1, 2]);
    expect(first.report.coldStart).toBe(true);
    expect(first.report.initMs).toBeGreaterThan(0);
    expect(second.report.coldStart).toBe(false);
    expect(second.report.initMs).toBeUndefined();
    expect(first.logs).toEqual(['init ran', 'handled 1']);
    expect(first.reportLine).toMatch(
      /^REPORT RequestId: \S+\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms$/,
    );
    expect(second.reportLine).not.toMatch(/Init Duration/);
    expect(a.requestId).toBe(first.report.requestId);
    expect(a.remaining).toBeGreaterThan(0);
    expect(a.remaining).toBeLessThanOrEqual(2_000);
  });

  it('gives each concurrent invocation its own environment, and reuses them afterwards', async () => {
    const f = fn();
    const together = await Promise.all([1, 2, 3].map(() => f.invoke({ sleepMs: 300 })));
    const pids = new Set(together.map((r) => (r.payload as CounterAnswer).pid));
    expect(pids.size).toBe(3);
    expect(together.every((r) => r.report.coldStart)).toBe(true);
    const after = await Promise.all([1, 2, 3].map(() => f.invoke({ sleepMs: 50 })));
    expect(after.every((r) => !r.report.coldStart)).toBe(true);
    expect(f.coldStarts).toBe(3);
  });

  it("passes only the function variables and Lambda's own to the environment", async () => {
    const f = fn();
    const answer = (await f.invoke({})).payload as CounterAnswer;
    expect(answer.env).toEqual({ FOO: 'bar', HOME: null, fn: 'runtime-test' });
  });

  it('stops the environment at the timeout; the next invocation is a cold start', async () => {
    const f = fn(COUNTER, 800);
    const warm = await f.invoke({});
    const spun = await f.invoke({ spin: true });
    expect(spun.report.status).toBe('timeout');
    expect(spun.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: `${spun.report.requestId} Task timed out after 0.80 seconds` });
    expect(spun.reportLine).toMatch(/Status: timeout/);
    const next = await f.invoke({});
    expect(next.report.coldStart).toBe(true);
    expect((next.payload as CounterAnswer).pid).not.toBe((warm.payload as CounterAnswer).pid);
  });

  it('reports a throw as a function error and keeps the environment; a process.exit as a crash that ends it', async () => {
    const f = fn();
    await f.invoke({});
    const thrown = await f.invoke({ fail: 'bad input' });
    expect(thrown.report.status).toBe('error');
    expect(thrown.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(thrown.error?.stack?.[0]).toMatch(/counter\.ts:\d+/);
    expect((await f.invoke({})).report.coldStart).toBe(false);
    const crashed = await f.invoke({ crash: true });
    expect(crashed.report.status).toBe('crash');
    expect(crashed.error?.errorType).toBe('Runtime.ExitError');
    expect((await f.invoke({})).report.coldStart).toBe(true);
  });

  it('reports a module that throws at init as an init error, with its message', async () => {
    const f = fn(repoPath('checker/test/fixtures/lambda/init-throws.ts'));
    const answer = await f.invoke({});
    expect(answer.report.status).toBe('init-error');
    expect(answer.error?.errorMessage).toBe('cannot reach the database at init');
  });

  it('runs the handler confined: a file written at init fails the init, a process started fails the invocation', async () => {
    const file = repoPath('checker/test/fixtures/lambda/writes-and-spawns.ts');
    const writer = new LocalFunction({ file, functionName: 'confined-test', environment: { WRITE_AT_INIT: '1' }, timeoutMs: 2_000 });
    const spawner = new LocalFunction({ file, functionName: 'confined-test', environment: {}, timeoutMs: 2_000 });
    opened.push(writer, spawner);
    const init = await writer.invoke({});
    expect(init.report.status).toBe('init-error');
    expect(init.error?.errorMessage).toMatch(/Access to this API has been restricted/);
    expect(existsSync(repoPath('checker/.lambda-tamper-probe'))).toBe(false);
    const invoked = await spawner.invoke({});
    expect(invoked.report.status).toBe('error');
    expect(invoked.error?.errorMessage).toMatch(/Access to this API has been restricted/);
  });

  it('leaves no environment running after close()', async () => {
    const f = fn();
    await Promise.all([f.invoke({}), f.invoke({})]);
    expect(environmentsRunning()).not.toBe('');
    await f.close();
    expect(environmentsRunning()).toBe('');
  });

  it('writes the REPORT line as Lambda does', () => {
    expect(
      reportLine({
        requestId: 'r-1',
        status: 'success',
        durationMs: 2.314,
        billedMs: 3,
        memoryMb: 256,
        maxMemoryUsedMb: 61,
        coldStart: true,
        initMs: 212.4,
        environment: 1,
      }),
    ).toBe('REPORT RequestId: r-1\tDuration: 2.31 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\tMax Memory Used: 61 MB\tInit Duration: 212.40 ms');
  });
});
