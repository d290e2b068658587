import { setTimeout as sleep } from 'node:timers/promises';
import type { RampPlan } from '../../../exercise-api.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { LoadDbOptions, LoadWindow } from '../load-db.js';
import type { ServerlessHarness } from '../session.js';
import { asStepResult, ms } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `04.02.${name}`;
type H = ServerlessHarness;

const PLAN: RampPlan = { steps: 3, workersPerStep: 3, stepMs: 1_000 };
/** Capacity values the checker hands back, one per sample, to follow them into the learner's results (undefined: nothing to read). */
const SCRIPTED_ACUS = [0.5, undefined, 2.5, 3.5, 4.5];
/** Every so many queries of the ramp fail: a step with errors is still a step of the ramp. */
const FAIL_EVERY = 23;
/** A second, bigger ramp: the lesson's plan reaches 70 workers, so no cap may hold a step back. */
const BIG_PLAN: RampPlan = { steps: 2, workersPerStep: 36, stepMs: 700 };
/**
 * How long each query of the big ramp takes: all 72 workers' first queries must be seen in flight together, which a
 * loaded machine's slow message passing spreads over tens of milliseconds.
 */
const BIG_QUERY_MS = 100;
/** How long after a step's last query the capacity may be read ("right after", with room for a loaded machine). */
const SAMPLE_WITHIN_MS = 500;

interface ObservedRamp {
  reported: unknown;
  windows: LoadWindow[];
  samples: Array<number | undefined>;
  started: number;
  inFlightAtReturn: number;
  /** A query started after rampLoad had returned: a step was not awaited. */
  startedAfterReturn: boolean;
}

function observeRamp(h: H, key = 'ramp', plan = PLAN, options: LoadDbOptions = { failEvery: FAIL_EVERY }): Promise<ObservedRamp> {
  return h.once(key, async () => {
    let next = 0;
    const { ctx, db, windows, samples } = h.context({ ...options, sampleCapacity: async () => SCRIPTED_ACUS[next++] });
    if (!options.withoutServer) await db.warm(plan.steps * plan.workersPerStep);
    const started = performance.now();
    const reported = await h.callFor(plan.steps * plan.stepMs + 10_000, 'rampLoad', ctx, { ...plan });
    const returnedAt = performance.now();
    const inFlightAtReturn = db.inFlight;
    // A step left running after the return starts queries until its deadline; the count at the return alone can miss it.
    const watchUntil = started + plan.steps * plan.stepMs + 200;
    while (performance.now() < watchUntil) await sleep(25);
    for (let i = 0; i < 40 && db.inFlight > 0; i += 1) await sleep(25);
    const startedAfterReturn = db.lastStart !== undefined && db.lastStart > returnedAt;
    return { reported, windows, samples, started, inFlightAtReturn, startedAfterReturn };
  });
}

const expectedWorkers = (plan: RampPlan) => Array.from({ length: plan.steps }, (_, k) => (k + 1) * plan.workersPerStep);

function requireWindows(o: ObservedRamp): void {
  if (o.windows.length === 0) {
    throw new CheckFailed('rampLoad never called ctx.sampleCapacity(), so its steps cannot be told apart: sample the capacity right after each step');
  }
  const last = o.windows.at(-1)!;
  // Every step has failed queries (FAIL_EVERY), so only a ramp that ends at its first step with errors stopped for them;
  // one that ran past such a step and still ended early has a loop bound off.
  const firstWithErrors = o.windows.findIndex((w) => w.failed > 0) + 1;
  if (o.windows.length < PLAN.steps && Array.isArray(o.reported) && o.reported.length === o.windows.length) {
    if (firstWithErrors === o.windows.length) {
      throw new CheckFailed(
        `rampLoad stopped after step ${o.windows.length} of ${PLAN.steps}, in which ${last.failed} queries failed: a step with errors is part of the ramp - run all plan.steps steps`,
      );
    }
    throw new CheckFailed(
      `rampLoad ran ${o.windows.length} of ${PLAN.steps} steps and returned their results: step k runs for every k from 1 to plan.steps (the last step included)`,
    );
  }
  ensure(o.windows.length === PLAN.steps, `rampLoad sampled the capacity ${o.windows.length} times for ${PLAN.steps} steps: once right after each step`);
}

function reportedSteps(o: ObservedRamp) {
  ensure(Array.isArray(o.reported), `rampLoad returned ${show(o.reported)}, not an array with one result per step`);
  ensure(o.reported.length === PLAN.steps, `rampLoad returned ${o.reported.length} step results for a plan of ${PLAN.steps} steps`);
  return o.reported.map((r) => asStepResult(r, 'rampLoad (a step of its result)'));
}

export const rampChecks: ExerciseCheck<H>[] = [
  {
    id: id('steps-grow'),
    name: 'rampLoad runs step k with k x workersPerStep workers, one step after another',
    hint: 'for (let k = 1; k <= plan.steps; k++) { const step = await runStep(ctx, k * plan.workersPerStep, plan.stepMs); ... } - await each step before the next.',
    async run(h) {
      const o = await observeRamp(h);
      requireWindows(o);
      const want = expectedWorkers(PLAN);
      const seen = o.windows.map((w) => w.peak);
      if (seen.every((p) => p === seen[0]) && seen.length > 1) {
        throw new CheckFailed(
          `every step ran ${seen[0]} queries at once (${seen.join(', ')}): the ramp does not grow; step k should run k x plan.workersPerStep = ${want.join(', ')} workers`,
        );
      }
      ensure(
        JSON.stringify(seen) === JSON.stringify(want),
        `the steps ran ${seen.join(', ')} queries at once; a plan of ${PLAN.steps} steps of ${PLAN.workersPerStep} workers should run ${want.join(', ')}, one step after another`,
      );
      const steps = reportedSteps(o);
      const reportedWorkers = steps.map((s) => s.workers);
      ensure(
        JSON.stringify(reportedWorkers) === JSON.stringify(want),
        `rampLoad reported workers ${reportedWorkers.join(', ')} for steps that ran ${want.join(', ')}`,
      );
      return `steps of ${seen.join(', ')} concurrent queries, in order`;
    },
  },
  {
    id: id('step-durations'),
    name: 'each step lasts stepMs and reports the queries it sent',
    hint: "Each step is one runStep(ctx, workers, plan.stepMs); keep its result (operations, errors, elapsedMs) as that step's entry.",
    async run(h) {
      const o = await observeRamp(h);
      requireWindows(o);
      ensure(o.inFlightAtReturn === 0, `rampLoad returned while ${o.inFlightAtReturn} queries were still running: await the last step`);
      ensure(!o.startedAfterReturn, 'queries were still starting after rampLoad had returned: a step was left running - await the last step');
      const steps = reportedSteps(o);
      const lengths: string[] = [];
      o.windows.forEach((w, i) => {
        ensure(w.queries > 0 && w.firstStart !== undefined && w.lastStart !== undefined, `step ${i + 1} sent no query before the capacity was sampled`);
        // Judged on when queries started (a slow last query on a loaded machine does not stretch it).
        const loaded = w.lastStart - w.firstStart;
        ensure(
          Math.abs(loaded - PLAN.stepMs) <= 350,
          `step ${i + 1} sent queries for ${ms(loaded)} (first to last query started); each step should last plan.stepMs = ${ms(PLAN.stepMs)}`,
        );
        ensure(steps[i].operations === w.queries, `step ${i + 1} reports ${steps[i].operations} operations, but its workers sent ${w.queries} queries`);
        ensure(steps[i].errors === w.failed, `step ${i + 1} reports ${steps[i].errors} errors, but ${w.failed} of its queries failed`);
        const ran = (w.lastEnd ?? w.closedAt) - w.firstStart;
        ensure(
          steps[i].elapsedMs >= ran - 150 && steps[i].elapsedMs <= ran + 800,
          `step ${i + 1} reports elapsedMs ${ms(steps[i].elapsedMs)}, but it ran for ${ms(ran)} (first query sent to last answered)`,
        );
        lengths.push(`${ms(ran)} (${w.queries} queries)`);
      });
      return `steps lasted ${lengths.join(', ')}`;
    },
  },
  {
    id: id('capacity-per-step'),
    name: 'the capacity is sampled right after each step and kept with that step',
    hint: 'After each step: step.capacity = await ctx.sampleCapacity(). (The checker hands back scripted ACU values here; on AWS they are ServerlessDatabaseCapacity.)',
    async run(h) {
      const o = await observeRamp(h);
      requireWindows(o);
      const steps = reportedSteps(o);
      o.windows.forEach((w, i) => {
        const after = w.lastEnd === undefined ? 0 : w.closedAt - w.lastEnd;
        ensure(
          after <= SAMPLE_WITHIN_MS,
          `the capacity after step ${i + 1} was read ${ms(after)} after the step's last query had ended: read it right after each step, without waiting`,
        );
      });
      steps.forEach((s, i) => {
        if (o.samples[i] === undefined) {
          ensure(
            s.capacity === undefined,
            `step ${i + 1} reports capacity ${show(s.capacity)}, but ctx.sampleCapacity() returned undefined (nothing to read) right after it: keep it undefined, do not fake a figure`,
          );
          return;
        }
        ensure(
          s.capacity === o.samples[i],
          `step ${i + 1} reports capacity ${show(s.capacity)}, but ctx.sampleCapacity() returned ${o.samples[i]} right after it`,
        );
      });
      return `capacities ${steps.map((s) => show(s.capacity)).join(', ')} kept with steps 1-${steps.length} (scripted values; real ACUs on --target aws)`;
    },
  },
  {
    id: id('second-ramp'),
    name: `a second, bigger ramp (up to ${BIG_PLAN.steps * BIG_PLAN.workersPerStep} workers) runs in full and returns only its own steps`,
    hint: 'Start a new results list in every rampLoad call, and run k x plan.workersPerStep workers whatever the number (no cap).',
    async run(h) {
      await observeRamp(h).catch(() => undefined);
      // Only concurrency and the results are judged here: answered by the checker, so 72 connections are not needed.
      const o = await observeRamp(h, 'big-ramp', BIG_PLAN, { minQueryMs: BIG_QUERY_MS, withoutServer: true });
      const want = expectedWorkers(BIG_PLAN);
      ensure(Array.isArray(o.reported), `rampLoad returned ${show(o.reported)}, not an array with one result per step`);
      ensure(
        o.reported.length === BIG_PLAN.steps,
        `the second rampLoad call, with a plan of ${BIG_PLAN.steps} steps, returned ${o.reported.length} step results: return only this call's steps (start a new list in every call)`,
      );
      const seen = o.windows.map((w) => w.peak);
      ensure(
        JSON.stringify(seen) === JSON.stringify(want),
        `the steps of a plan of ${BIG_PLAN.steps} x ${BIG_PLAN.workersPerStep} workers ran ${seen.join(', ')} queries at once; step k should run k x plan.workersPerStep = ${want.join(', ')} workers, with no cap`,
      );
      return `steps of ${seen.join(', ')} concurrent queries, ${o.reported.length} results`;
    },
  },
];
