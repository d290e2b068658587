/**
 * Timing our side. Our paths run round-robin, one call each in turn, so a
 * busy moment on the machine lands on all of them alike and the differences
 * between them stay meaningful; the native tool cannot be interleaved that
 * finely, so it alternates with us in rounds instead.
 */

export type Task = (input: number) => Promise<unknown>;

export interface Budget {
  /** Calls per path. */
  calls?: number;
  /** Or: run for this long (all paths together). */
  seconds?: number;
}

/**
 * Calls every task in turn until the budget is spent; returns one array of
 * latencies (ms) per task. `input()` is drawn outside the timed region.
 */
export async function timeInterleaved(tasks: Task[], budget: Budget, input: () => number = () => 0): Promise<number[][]> {
  const samples = tasks.map(() => [] as number[]);
  const deadline = budget.seconds !== undefined ? performance.now() + budget.seconds * 1000 : Number.POSITIVE_INFINITY;
  const calls = budget.calls ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < calls && performance.now() < deadline; i += 1) {
    for (let t = 0; t < tasks.length; t += 1) {
      const value = input();
      const started = performance.now();
      await tasks[t](value);
      samples[t].push(performance.now() - started);
    }
  }
  return samples;
}
