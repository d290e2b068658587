import { ensure, type ExerciseCheck } from '../../../runner/harness.js';
import type { ReplicationHarness } from '../../replication-session.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.02.${name}`;
type H = ReplicationHarness;
const HELD_BACK_MS = 1_200;

export const lagProbeChecks: ExerciseCheck<H>[] = [
  {
    id: id('marker-round-trip'),
    name: 'measureLag writes a marker on the primary and finds it on the replica',
    hint: 'INSERT INTO lag_markers (token) VALUES (?) on ctx.primary, then SELECT it from ctx.replica until it is there.',
    async run(h) {
      const before = await h.rowOnPrimary<{ n: number }>('SELECT COUNT(*) AS n FROM lag_markers');
      const { ctx, primary, replica } = h.replicaContext();
      const lag = await h.call('measureLag', ctx);
      const after = await h.rowOnPrimary<{ n: number }>('SELECT COUNT(*) AS n FROM lag_markers');
      ensure(typeof lag === 'number' && Number.isFinite(lag) && lag >= 0, `measureLag returned ${show(lag)}, not a number of milliseconds`);
      ensure(Number(after?.n) === Number(before?.n) + 1 && primary.writes >= 1, 'measureLag did not write a marker row on the primary');
      ensure(replica.reads >= 1, 'measureLag never read the replica: lag is only visible there');
      ensure(lag < 2_000, `measureLag reported ${lag} ms on a replica that keeps up: is it waiting longer than it polls?`);
      return `${lag} ms with replication keeping up`;
    },
  },
  {
    id: id('measures-held-back-replica'),
    name: `measureLag sees a replica held back ${HELD_BACK_MS / 1000} s`,
    hint: 'Poll the replica (not the primary) every few milliseconds and time until the marker arrives.',
    async run(h) {
      const { ctx } = h.replicaContext();
      await h.pauseReplica();
      const resume = new Promise<void>((resolve) => setTimeout(() => void h.resumeReplica().then(resolve, resolve), HELD_BACK_MS));
      let lag: unknown;
      try {
        lag = await h.callFor(10_000, 'measureLag', ctx);
      } finally {
        await resume;
      }
      ensure(typeof lag === 'number', `measureLag returned ${show(lag)}`);
      ensure(
        lag >= HELD_BACK_MS - 300,
        `measureLag reported ${lag} ms while the replica was held back ${HELD_BACK_MS} ms: is it reading the primary, or timing only the write?`,
      );
      ensure(lag <= HELD_BACK_MS + 600, `measureLag reported ${lag} ms for a ${HELD_BACK_MS} ms hold-back: poll more often`);
      return `${lag} ms for a ${HELD_BACK_MS} ms hold-back`;
    },
  },
];
