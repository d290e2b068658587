import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from '../../../exercise-api.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { LearnerError } from '../../../runner/learner-call.js';
import type { ServerlessHarness } from '../session.js';
import { asStepResult, ms } from './shared.js';

const id = (name: string) => `04.01.${name}`;
type H = ServerlessHarness;

/** What the checker's Db saw during one runStep call. */
export interface ObservedStep {
  result: StepResult;
  workers: number;
  durationMs: number;
  callMs: number;
  queries: number;
  failed: number;
  peak: number;
  connections: number;
  /** Milliseconds from the call to the first and the last query started. */
  firstStartMs?: number;
  lastStartMs?: number;
  /** Queries still running when runStep returned. */
  inFlightAtReturn: number;
}

export async function observeStep(h: H, workers: number, durationMs: number, failEvery = 0): Promise<ObservedStep> {
  const { ctx, db } = h.context({ failEvery });
  const began = performance.now();
  let value: unknown;
  try {
    value = await h.callFor(durationMs + 5_000, 'runStep', ctx, workers, durationMs);
  } catch (err) {
    if (err instanceof LearnerError && failEvery > 0 && /simulated read failure/.test(err.message)) {
      throw new CheckFailed(`${err.message} - one failed query ended the whole step: catch it in the worker, count it as an error and carry on`);
    }
    throw err;
  }
  const callMs = performance.now() - began;
  const inFlightAtReturn = db.inFlight;
  // Watch until the step's deadline has passed: workers left running after the return still start queries until then
  // (between two of their queries none is in flight, so the count at the return alone can miss them). Then let
  // stragglers finish so they are counted before the pool is closed.
  const watchUntil = began + durationMs + 200;
  while (performance.now() < watchUntil) await sleep(25);
  for (let i = 0; i < 40 && db.inFlight > 0; i += 1) await sleep(25);
  return {
    result: asStepResult(value, 'runStep'),
    workers,
    durationMs,
    callMs,
    queries: db.queries,
    failed: db.failed,
    peak: db.peak,
    connections: db.connectionsOpened,
    firstStartMs: db.firstStart === undefined ? undefined : db.firstStart - began,
    lastStartMs: db.lastStart === undefined ? undefined : db.lastStart - began,
    inFlightAtReturn,
  };
}

const PLAIN = { workers: 5, durationMs: 1_200 };
const plainStep = (h: H) => h.once('plain-step', () => observeStep(h, PLAIN.workers, PLAIN.durationMs));

export function judgeConcurrency(o: ObservedStep, what = 'runStep'): string {
  ensure(o.queries > 0, `${what} sent no query through ctx.db: each worker loops on ctx.db.query(ctx.workload.sql, ctx.workload.params())`);
  if (o.peak === 1 && o.workers > 1) {
    throw new CheckFailed(
      `with ${o.workers} workers, at most 1 query was in flight at a time: the workers ran one after another. Start them all first, then await them together (Promise.all)`,
    );
  }
  ensure(
    o.peak <= o.workers,
    `with ${o.workers} workers, ${o.peak} queries were in flight at once: each worker should await its query before sending the next`,
  );
  ensure(o.peak === o.workers, `with ${o.workers} workers, at most ${o.peak} queries were in flight at once: start all ${o.workers} workers at the same time`);
  return `${o.peak} queries in flight at once on ${o.connections} server connections`;
}

export const loadStepChecks: ExerciseCheck<H>[] = [
  {
    id: id('concurrent'),
    name: 'runStep keeps one query in flight per worker, all workers at once',
    hint: 'Start the workers together: await Promise.all(Array.from({ length: workers }, () => worker())), each worker awaiting one ctx.db.query at a time.',
    async run(h) {
      const o = await plainStep(h);
      const seen = judgeConcurrency(o);
      ensure(o.result.workers === o.workers, `runStep reported workers: ${o.result.workers}, but it was asked for ${o.workers}`);
      return `${o.workers} workers: ${seen}`;
    },
  },
  {
    id: id('counts-operations'),
    name: 'runStep reports exactly the queries its workers sent',
    hint: "Count an operation for every ctx.db.query a worker sends (in the worker loop), and add the workers' counts up at the end.",
    async run(h) {
      const o = await plainStep(h);
      ensure(o.queries >= o.workers * 2, `the workers sent only ${o.queries} queries in ${ms(o.durationMs)}: each worker should loop until the deadline`);
      ensure(o.result.operations === o.queries, `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries`);
      ensure(o.result.errors === 0, `runStep reported ${o.result.errors} errors, but no query failed`);
      return `${o.queries} queries sent, ${o.result.operations} reported, 0 errors`;
    },
  },
  {
    id: id('duration'),
    name: 'runStep keeps the load up for durationMs, then stops and waits for its workers',
    hint: 'Take a deadline = Date.now() + durationMs; each worker loops while Date.now() < deadline; await every worker before returning elapsedMs.',
    async run(h) {
      const o = await plainStep(h);
      const d = o.durationMs;
      ensure(o.inFlightAtReturn === 0, `runStep returned while ${o.inFlightAtReturn} queries were still running: await every worker before returning`);
      ensure(o.lastStartMs !== undefined, 'runStep sent no query');
      ensure(
        o.lastStartMs <= o.callMs,
        `a query started ${ms(o.lastStartMs)} after the call, but runStep had returned at ${ms(o.callMs)}: its workers were still running - await every worker before returning`,
      );
      ensure(
        o.lastStartMs <= d + 150,
        `a query started ${ms(o.lastStartMs)} after the call, past the ${ms(d)} duration: stop starting queries at the deadline`,
      );
      ensure(o.lastStartMs >= d - 300, `the last query started ${ms(o.lastStartMs)} after the call: the load should last the whole ${ms(d)}`);
      ensure(o.callMs <= d + 600, `runStep took ${ms(o.callMs)} for a ${ms(d)} step`);
      const off = Math.abs(o.result.elapsedMs - o.callMs);
      ensure(off <= 250, `runStep reported elapsedMs ${ms(o.result.elapsedMs)}, but the step took ${ms(o.callMs)}`);
      return `queries from ${ms(o.firstStartMs ?? 0)} to ${ms(o.lastStartMs)} of a ${ms(d)} step; returned after ${ms(o.callMs)}, reported ${ms(o.result.elapsedMs)}`;
    },
  },
  {
    id: id('counts-errors'),
    name: 'runStep counts every failed query as an error, without retrying it or stopping',
    hint: 'In the worker: try { await ctx.db.query(...) } catch { errors += 1 } - and count the operation either way. A retry hides a failure; a throw ends the step.',
    async run(h) {
      const failEvery = 7;
      const o = await observeStep(h, 4, 1_000, failEvery);
      ensure(o.failed > 0, `the workers sent only ${o.queries} queries, too few for the checker to make one fail`);
      ensure(o.result.errors <= o.failed, `runStep reported ${o.result.errors} errors, but only ${o.failed} queries failed`);
      ensure(
        o.result.errors === o.failed,
        `runStep under-reports errors: the checker made ${o.failed} of ${o.queries} queries fail (every ${failEvery}th), and runStep reported ${o.result.errors}. Count every failed query as an error: never swallow or retry it`,
      );
      ensure(
        o.result.operations === o.queries,
        `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries (a failed query is an operation too)`,
      );
      ensure(
        (o.lastStartMs ?? 0) >= o.durationMs - 300,
        `the workers stopped sending after ${ms(o.lastStartMs ?? 0)} of a ${ms(o.durationMs)} step: a failed query must not stop a worker`,
      );
      return `${o.failed} of ${o.queries} queries failed, all ${o.result.errors} reported as errors; the load went on to the end`;
    },
  },
];
