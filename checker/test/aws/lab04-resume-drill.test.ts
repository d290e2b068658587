/**
 * Lab 4's resume drill: waiting for the pause reads CloudWatch only, the
 * drill's session touches the database only through the learner's code, and
 * the verdict tells a measured resume from one that was not.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLab04 } from '../../checks/04-aurora-serverless/session.js';
import { resumeCheck, waitForPause } from '../../checks/04-aurora-serverless/resume-drill.js';
import { EnginesUnreachable } from '../../checks/session.js';
import { startLocalDatabase, type LocalDatabase } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import { repoPath } from '../gate/support.js';

describe('waitForPause', () => {
  it('polls until the capacity reads 0, reporting the wait', async () => {
    const readings = [2, 1.5, undefined, 0.5, 0];
    let clock = 0;
    const lines: string[] = [];
    const result = await waitForPause(async () => readings.shift(), {
      timeoutMs: 600_000,
      intervalMs: 20_000,
      now: () => clock,
      wait: async (ms) => {
        clock += ms;
      },
      onWaiting: (line) => lines.push(line),
    });
    expect(result).toEqual({ paused: true, waitedMs: 80_000, lastCapacity: 0 });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/capacity 2 ACU/);
  });

  it('gives up after the timeout when something keeps the cluster awake', async () => {
    let clock = 0;
    const result = await waitForPause(async () => 0.5, { timeoutMs: 60_000, intervalMs: 20_000, now: () => clock, wait: async (ms) => void (clock += ms) });
    expect(result).toEqual({ paused: false, waitedMs: 60_000, lastCapacity: 0.5 });
    const check = resumeCheck(result);
    expect(check.status).toBe('error');
    expect(check.message).toMatch(/had not paused after 1 min \(capacity 0.5 ACU\)/);
    expect(check.hint).toMatch(/open connection keeps it awake/);
  });
});

describe('resumeCheck', () => {
  const paused = { paused: true, waitedMs: 420_000, lastCapacity: 0 };

  it('passes a figure the call itself spent', () => {
    const check = resumeCheck(paused, { reportedMs: 14_800, callMs: 15_100 });
    expect(check.status).toBe('pass');
    expect(check.message).toMatch(/resumed in 14.8 s by your measureResume \(the call took 15.1 s\)/);
  });

  it('fails a figure larger than the call, or much smaller (not measured)', () => {
    expect(resumeCheck(paused, { reportedMs: 30_000, callMs: 15_000 }).status).toBe('fail');
    const tooSmall = resumeCheck(paused, { reportedMs: 120, callMs: 15_000 });
    expect(tooSmall.status).toBe('fail');
    expect(tooSmall.message).toMatch(/reported 0.1 s, but the call took 15.0 s/);
  });

  it('fails when the learner code reported nothing, naming the error', () => {
    const check = resumeCheck(paused, { error: 'measureResume is not written yet', callMs: 3 });
    expect(check.status).toBe('fail');
    expect(check.message).toMatch(/did not report a resume time: measureResume is not written yet/);
  });
});

describe("the drill's session does not wake the cluster", () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  let database: LocalDatabase;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
    database = await startLocalDatabase();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database?.stop();
  });

  it('opens without connecting for the resume drill, while the checks session connects at once', async () => {
    const endpoints = { target: 'aws' as const, mysql: { host: '127.0.0.1', port, user: 'u', password: 'p', database: 'labs' } };
    const session = await openLab04(endpoints, { measure: 'resume-from-pause' });
    await session.close();
    expect(connections).toBe(0);
    await expect(openLab04(endpoints)).rejects.toBeInstanceOf(EnginesUnreachable);
    expect(connections).toBeGreaterThan(0);
  });

  it('times the reference measureResume against a live database: the figure fits inside the call', async () => {
    const run = await runExercise({
      labId: 4,
      exerciseId: '03-resume-latency',
      file: repoPath('solutions/04-aurora-serverless/exercises/03-resume-latency.ts'),
      endpoints: database.endpoints,
      only: [],
      measure: 'resume-from-pause',
    });
    const figures = run.measurement as { reportedMs: number; callMs: number };
    expect(figures.reportedMs).toBeGreaterThanOrEqual(0);
    expect(figures.reportedMs).toBeLessThanOrEqual(figures.callMs + 50);
  });
});
