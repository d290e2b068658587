/**
 * The learner's side of a call with no learner in it: a clean exercise
 * process loads this file so the checker can time the process boundary alone
 * (see boundary.ts).
 */
let payload: unknown = null;

export function keep(value: unknown): void {
  payload = value;
}

export async function answer(..._args: unknown[]): Promise<unknown> {
  return payload;
}
