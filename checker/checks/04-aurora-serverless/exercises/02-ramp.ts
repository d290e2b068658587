import { setTimeout as sleep } from 'node:timers/promises';
import type { RampPlan } from '../../../exercise-api.js';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { LoadWindow } from '../load-db.js';
import type { ServerlessHarness } from '../session.js';
import { asStepResult, ms } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `04.02.${name}`;
type H = ServerlessHarness;

const PLAN: RampPlan = { steps: 3, workersPerStep: 3, stepMs: 1_000 };
/** Capacity values the checker hands back, one per sample, to follow them into the learner's results. */
const SCRIPTED_ACUS = [0.5, 1.5, 2.5, 3.5, 4.5];

interface ObservedRamp {
  reported: unknown;
  windows: LoadWindow[];
  samples: Array<number | undefined>;
  started: number;
  inFlightAtReturn: number;
  /** A query started after rampLoad had returned: a step was not awaited. */
  startedAfterReturn: boolean;
}

function observeRamp(h: H): Promise<ObservedRamp> {
  return h.once('ramp', async () => {
    let next = 0;
    const { ctx, db, windows, samples } = h.context({ sampleCapacity: async () => SCRIPTED_ACUS[next++] });
    const started = performance.now();
    const reported = await h.callFor(PLAN.steps * PLAN.stepMs + 6_000, 'rampLoad', ctx, { ...PLAN });
    const returnedAt = performance.now();
    const inFlightAtReturn = db.inFlight;
    // A step left running after the return starts queries until its deadline; the count at the return alone can miss it.
    const watchUntil = started + PLAN.steps * PLAN.stepMs + 200;
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
        const from = w.firstStart ?? w.closedAt;
        const lasted = w.closedAt - from;
        ensure(w.queries > 0, `step ${i + 1} sent no query before the capacity was sampled`);
        ensure(
          Math.abs(lasted - PLAN.stepMs) <= 350,
          `step ${i + 1} ran for ${ms(lasted)} (first query to capacity sample); each step should last plan.stepMs = ${ms(PLAN.stepMs)}`,
        );
        ensure(steps[i].operations === w.queries, `step ${i + 1} reports ${steps[i].operations} operations, but its workers sent ${w.queries} queries`);
        ensure(Math.abs(steps[i].elapsedMs - lasted) <= 300, `step ${i + 1} reports elapsedMs ${ms(steps[i].elapsedMs)}, but it ran for ${ms(lasted)}`);
        lengths.push(`${ms(lasted)} (${w.queries} queries)`);
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
      steps.forEach((s, i) => {
        ensure(
          s.capacity === o.samples[i],
          `step ${i + 1} reports capacity ${show(s.capacity)}, but ctx.sampleCapacity() returned ${o.samples[i]} right after it`,
        );
      });
      return `capacities ${steps.map((s) => s.capacity).join(', ')} kept with steps 1-${steps.length} (scripted values; real ACUs on --target aws)`;
    },
  },
];
