/** How the runner words a learner function that still throws its starting TODO, and how the class report recognises it. */
export const NOT_WRITTEN = 'is not written yet: it still throws the starting TODO';

/** True for the message of a function that still throws its starting TODO (see runner/learner-call.ts describeThrow). */
export function isStartingTodo(message: string): boolean {
  return message.includes(NOT_WRITTEN);
}
