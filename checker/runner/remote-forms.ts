/**
 * How a kit object crosses into the process that hosts the learner's code
 * when a plain copy or a call-back reference is not right: a Redis client is
 * opened again over there (the learner's commands then go from their own
 * process to the server, as on AWS), and a small pure function that learner
 * code calls synchronously is shipped as source with its data.
 */
import type { RedisEndpoint } from '../engines/endpoints.js';

export type RemoteForm =
  | { kind: 'redis'; endpoint: RedisEndpoint }
  | { kind: 'unreachable-redis' }
  /** `source` is a self-contained function (data, ...args) => result: it may use nothing but its arguments. */
  | { kind: 'portable'; source: string; data: unknown };

const forms = new WeakMap<object, RemoteForm>();

export function withRemoteForm<T extends object>(value: T, form: RemoteForm): T {
  forms.set(value, form);
  return value;
}

export function remoteFormOf(value: object): RemoteForm | undefined {
  return forms.get(value);
}

/**
 * A function learner code may call synchronously (it returns a value, not a
 * promise), built from a self-contained `fn` and the data it reads. It runs as
 * is here, and from its source in the learner's process.
 */
export function portable<D, A extends unknown[], R>(fn: (data: D, ...args: A) => R, data: D): (...args: A) => R {
  return withRemoteForm((...args: A) => fn(data, ...args), { kind: 'portable', source: fn.toString(), data });
}
