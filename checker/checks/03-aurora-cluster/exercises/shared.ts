/** What the Lab 3 checks share: reading an identity the learner's code returned, and naming servers. */
import type { ServerIdentity } from '../../../exercise-api.js';
import { CheckFailed } from '../../../runner/harness.js';
import { show } from '../../show-value.js';

export function learnerIdentity(value: unknown, what: string): ServerIdentity {
  const v = value as Partial<ServerIdentity> | undefined;
  if (!v || typeof v.serverId !== 'string' || typeof v.readOnly !== 'boolean') {
    throw new CheckFailed(`${what} returned ${show(value)}, not { serverId: string, readOnly: boolean }`);
  }
  return { serverId: v.serverId, readOnly: v.readOnly };
}

export const role = (readOnly: boolean): string => (readOnly ? 'a reader (read_only = 1)' : 'the writer (read_only = 0)');
