import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from '../../../exercise-api.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { LearnerError } from '../../../runner/learner-call.js';
import type { ServerlessHarness } from '../session.js';
import type { LoadDbOptions } from '../load-db.js';
import { asStepResult, ms } from './shared.js';

const id = (name: string) => `04.01.${name}`;

/** The queries started in this last stretch of a step are slowed down (see StepOptions.slowTailMs). */
const TAIL_WINDOW_MS = 200;

interface StepOptions extends LoadDbOptions {
  /** Queries started near the deadline answer only this long after it: runStep must wait for them, and elapsedMs include them. */
  slowTailMs?: number;
}
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
  /** Milliseconds from the call to the last query answered. */
  lastEndMs?: number;
  /** Queries still running when runStep returned. */
  inFlightAtReturn: number;
  /** Milliseconds from the first query to the moment every worker had one in flight. */
  allRunningMs?: number;
  /** How many different parameter lists the first queries carried, out of how many. */
  distinctParams: number;
  paramsSeen: number;
}

export async function observeStep(h: H, workers: number, durationMs: number, options: StepOptions = {}): Promise<ObservedStep> {
  const { ctx, db } = h.context(options);
  await db.warm(workers);
  const began = performance.now();
  if (options.slowTailMs) db.slowTail = { fromMs: durationMs - TAIL_WINDOW_MS, untilMs: durationMs + options.slowTailMs };
  const failEvery = options.failEvery ?? 0;
  let value: unknown;
  try {
    value = await h.callFor(durationMs + 5_000, 'runStep', ctx, workers, durationMs);
  } catch (err) {
    if (err instanceof LearnerError && failEvery > 0 && /simulated read failure/.test(err.message)) {
      throw new CheckFailed(`${err.message} - one failed query ended the whole step: catch it in the worker, count it as an error and carry on`);
    }
    if (err instanceof LearnerError && /did not return within/.test(err.message) && db.lastStart !== undefined && db.lastStart - began > durationMs + 1_000) {
      throw new CheckFailed(
        `runStep had not returned ${ms(performance.now() - began)} after the call, and its workers were still starting queries ${ms(db.lastStart - began)} into a ${ms(durationMs)} step: stop at durationMs (milliseconds)`,
      );
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
  const fullAt = db.reachedAt[workers];
  const observed: ObservedStep = {
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
    lastEndMs: db.lastEnd === undefined ? undefined : db.lastEnd - began,
    allRunningMs: fullAt === undefined || db.firstStart === undefined ? undefined : fullAt - db.firstStart,
    distinctParams: new Set(db.paramsSeen).size,
    paramsSeen: db.paramsSeen.length,
    inFlightAtReturn,
  };
  h.stepsObserved.push(observed);
  return observed;
}

const PLAIN = { workers: 5, durationMs: 1_200 };
/** The first query of each worker is answered only after this: workers started together all have one in flight by then. */
const FIRST_ANSWER_MS = 250;
/** How long after the plain step's deadline the queries in flight at it answer. */
const TAIL_MS = 400;
const plainStep = (h: H) =>
  h.once('plain-step', () =>
    observeStep(h, PLAIN.workers, PLAIN.durationMs, { slowFirst: { count: PLAIN.workers, ms: FIRST_ANSWER_MS }, slowTailMs: TAIL_MS }),
  );
/** More workers than any cap a learner might pick "to protect the pool" (the lesson's ramp ends with 70 in one step). */
const MANY = { workers: 40, durationMs: 800 };
/** Longer than FIRST_ANSWER_MS: 40 first queries cross a loaded machine's message passing less quickly than 5. */
const MANY_FIRST_ANSWER_MS = 400;

/** Operations a runStep reported against what its workers sent, with the earlier calls' queries in view. */
function judgeOperations(h: H, o: ObservedStep): void {
  if (o.result.operations === o.queries) return;
  const earlier = h.stepsObserved.slice(0, h.stepsObserved.indexOf(o)).reduce((sum, e) => sum + e.queries, 0);
  if (earlier > 0 && o.result.operations === o.queries + earlier) {
    throw new CheckFailed(
      `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries in this call (${earlier} more in earlier calls): start the counts at 0 in every call`,
    );
  }
  const missing = o.queries - o.result.operations;
  if (o.failed > 0 && missing === o.failed) {
    throw new CheckFailed(
      `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries, ${o.failed} of which failed: a failed query is an operation too - count it when it is sent`,
    );
  }
  if (missing > 0 && missing <= o.workers) {
    throw new CheckFailed(
      `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries: the query a worker has in flight at the deadline was sent, so it counts too`,
    );
  }
  throw new CheckFailed(
    `runStep reported ${o.result.operations} operations, but its workers sent ${o.queries} queries${o.failed > 0 ? ' (a failed query is an operation too)' : ''}`,
  );
}

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
      ensure(
        o.allRunningMs !== undefined && o.allRunningMs < FIRST_ANSWER_MS,
        `the ${o.workers} workers all had a query in flight only ${ms(o.allRunningMs ?? 0)} after the first query, when the first answers took ${ms(FIRST_ANSWER_MS)}: start every worker at once, none waiting for another's query`,
      );
      ensure(o.result.workers === o.workers, `runStep reported workers: ${o.result.workers}, but it was asked for ${o.workers}`);
      return `${o.workers} workers: ${seen}, all running within ${ms(o.allRunningMs)} of the first query`;
    },
  },
  {
    id: id('counts-operations'),
    name: 'runStep reports exactly the queries its workers sent',
    hint: "Count an operation for every ctx.db.query a worker sends (in the worker loop), and add the workers' counts up at the end.",
    async run(h) {
      const o = await plainStep(h);
      ensure(o.queries >= o.workers * 2, `the workers sent only ${o.queries} queries in ${ms(o.durationMs)}: each worker should loop until the deadline`);
      judgeOperations(h, o);
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
      // Judged from the first query on: the learner's clock starts when the call reaches its process, which a loaded
      // machine delays, and its first query leaves at once.
      const from = o.firstStartMs ?? 0;
      const loadMs = o.lastStartMs - from;
      ensure(loadMs <= d + 150, `the workers started queries for ${ms(loadMs)}, past the ${ms(d)} duration: stop starting queries at the deadline`);
      // A worker whose query started in the slow tail sends nothing more: its last query starts about TAIL_WINDOW_MS
      // before the deadline, so that is where the load is judged to have ended.
      ensure(loadMs >= d - TAIL_WINDOW_MS - 200, `the workers started queries for only ${ms(loadMs)}: the load should last the whole ${ms(d)}`);
      ensure(o.callMs <= d + TAIL_MS + 1_500, `runStep took ${ms(o.callMs)} for a ${ms(d)} step whose last queries answered ${ms(TAIL_MS)} after it`);
      // The reported time must cover the first query sent to the last answered, and cannot exceed the whole call.
      const span = (o.lastEndMs ?? from) - from;
      ensure(
        o.result.elapsedMs >= span - 100 && o.result.elapsedMs <= o.callMs + 100,
        `runStep reported elapsedMs ${ms(o.result.elapsedMs)}, but its workers ran ${ms(span)} from the first query sent to the last answered (the call took ${ms(o.callMs)}): measure the time, from the start until every worker has finished`,
      );
      return `queries from ${ms(o.firstStartMs ?? 0)} to ${ms(o.lastStartMs)} of a ${ms(d)} step; returned after ${ms(o.callMs)}, reported ${ms(o.result.elapsedMs)}`;
    },
  },
  {
    id: id('counts-errors'),
    name: 'runStep counts every failed query as an error, without retrying it or stopping',
    hint: 'In the worker: try { await ctx.db.query(...) } catch { errors += 1 } - and count the operation either way. A retry hides a failure; a throw ends the step.',
    async run(h) {
      const failEvery = 7;
      await plainStep(h).catch(() => undefined);
      const o = await observeStep(h, 4, 1_000, { failEvery });
      ensure(o.failed > 0, `the workers sent only ${o.queries} queries, too few for the checker to make one fail`);
      ensure(o.result.errors <= o.failed, `runStep reported ${o.result.errors} errors, but only ${o.failed} queries failed`);
      ensure(
        o.result.errors === o.failed,
        `runStep under-reports errors: the checker made ${o.failed} of ${o.queries} queries fail (every ${failEvery}th), and runStep reported ${o.result.errors}. Count every failed query as an error: never swallow or retry it`,
      );
      judgeOperations(h, o);
      ensure(
        (o.lastStartMs ?? 0) - (o.firstStartMs ?? 0) >= o.durationMs - 300,
        `the workers stopped sending ${ms((o.lastStartMs ?? 0) - (o.firstStartMs ?? 0))} into a ${ms(o.durationMs)} step: a failed query must not stop a worker`,
      );
      return `${o.failed} of ${o.queries} queries failed, all ${o.result.errors} reported as errors; the load went on to the end`;
    },
  },
  {
    id: id('fresh-params'),
    name: 'runStep asks ctx.workload.params() anew for every query',
    hint: 'Call ctx.workload.params() inside the worker loop, once per query: await ctx.db.query(ctx.workload.sql, ctx.workload.params()).',
    async run(h) {
      const o = await plainStep(h);
      ensure(o.paramsSeen > 0, 'runStep sent no query through ctx.db');
      ensure(
        o.paramsSeen < 10 || o.distinctParams * 2 >= o.paramsSeen,
        `the first ${o.paramsSeen} queries carried only ${o.distinctParams} different parameter lists: call ctx.workload.params() for every query, not once per step or per worker`,
      );
      return `${o.distinctParams} different parameter lists in the first ${o.paramsSeen} queries`;
    },
  },
  {
    id: id('many-workers'),
    name: `runStep runs every worker it is asked for, even ${MANY.workers}`,
    hint: "No cap: Array.from({ length: workers }, () => worker()) - the checker's ctx.db has a connection for each.",
    async run(h) {
      const o = await observeStep(h, MANY.workers, MANY.durationMs, { slowFirst: { count: MANY.workers, ms: MANY_FIRST_ANSWER_MS } });
      ensure(o.peak >= o.workers, `with ${o.workers} workers, at most ${o.peak} queries were in flight at once: run all ${o.workers} workers, without a cap`);
      judgeConcurrency(o);
      judgeOperations(h, o);
      return `${o.workers} workers: ${o.peak} queries in flight at once, ${o.queries} sent and reported`;
    },
  },
];
