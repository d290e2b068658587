import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { LearnerError } from '../../../runner/learner-call.js';
import { LAG_PROBE_GIVE_UP_MS, type ReplicationHarness } from '../../replication-session.js';
import { CHECKER_MARKERS, observedContext, quoted, type ObservedContext, type SentStatement } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `02.02.${name}`;
type H = ReplicationHarness;
const HELD_BACK_MS = 1_200;
const GIVE_UP_MS = LAG_PROBE_GIVE_UP_MS;
const GIVE_UP_S = GIVE_UP_MS / 1000;
/** How late after ctx.giveUpMs the give-up may come: one poll, and a loaded machine. */
const GIVE_UP_SLACK_MS = 2_500;
/** Below this, the gap between one poll's answer and the next poll is no pause at all (a timer of 1 ms or more waits longer). */
const NO_PAUSE_MS = 0.8;
/** Above this median interval between polls, the probe is not polling "every few milliseconds" (and its lag is that coarse). */
const SLOW_POLL_MS = 100;
/** How long the checks watch for polls after measureLag has returned. */
const QUIET_MS = 400;

const isInsert = (s: SentStatement) => /^\s*insert\b/i.test(s.sql) && /lag_markers/i.test(s.sql);

async function checkerMarkersLeft(h: H): Promise<number> {
  const row = await h.rowOnPrimary<{ n: number }>(`SELECT COUNT(*) AS n FROM lag_markers WHERE token IN (${CHECKER_MARKERS.map(() => '?').join(', ')})`, [
    ...CHECKER_MARKERS,
  ]);
  return Number(row?.n);
}

/** The marker went to the primary and no write went to the replica; other markers are untouched. */
async function wroteOneMarker(h: H, s: ObservedContext): Promise<void> {
  const onReplica = s.replica.log.find((x) => !/^\s*(select|show)\b/i.test(x.sql));
  ensure(!onReplica, `measureLag sent ${quoted(onReplica?.sql ?? '')} to the replica: write the marker on ctx.primary, the replica only answers the polls`);
  ensure(
    s.primary.log.some((x) => isInsert(x) && !x.error),
    'measureLag never inserted a marker into lag_markers on the primary: time a marker, not the replica status',
  );
  const left = await checkerMarkersLeft(h);
  ensure(
    left === CHECKER_MARKERS.length,
    `measureLag deleted ${CHECKER_MARKERS.length - left} of the checker's own markers in lag_markers: touch only your own marker`,
  );
}

/** Calls measureLag; a failure that a known defect explains says so. */
async function probe(h: H, s: ObservedContext, timeoutMs = h.callTimeoutMs): Promise<unknown> {
  try {
    return await h.callFor(timeoutMs, 'measureLag', s.ctx);
  } catch (err) {
    if (!(err instanceof LearnerError)) throw err;
    const onReplica = s.replica.log.find((x) => !/^\s*(select|show)\b/i.test(x.sql));
    if (onReplica) throw new CheckFailed(`measureLag sent ${quoted(onReplica.sql)} to the replica, which refused it: write the marker on ctx.primary`);
    const tooLong = s.primary.log.find((x) => isInsert(x) && /too long/i.test(x.error ?? ''));
    if (tooLong) throw new CheckFailed(`the primary refused the marker: ${tooLong.error} (lag_markers.token is VARCHAR(64); a UUID fits)`);
    throw err;
  }
}

/** Polls the replica receives once measureLag has settled: none, or one already on its way. */
async function pollsAfter(s: ObservedContext, settledAt: number): Promise<number> {
  await sleep(QUIET_MS);
  return s.replica.sentSince(settledAt).length;
}

export const lagProbeChecks: ExerciseCheck<H>[] = [
  {
    id: id('marker-round-trip'),
    name: 'measureLag writes a marker on the primary and finds it on the replica',
    hint: 'INSERT INTO lag_markers (token) VALUES (?) on ctx.primary, then SELECT it from ctx.replica until it is there.',
    async run(h) {
      const s = observedContext(h);
      const calledAt = performance.now();
      const lag = await probe(h, s);
      const call = performance.now() - calledAt;
      ensure(typeof lag === 'number' && Number.isFinite(lag) && lag >= 0, `measureLag returned ${show(lag)}, not a number of milliseconds`);
      await wroteOneMarker(h, s);
      ensure(s.replica.log.length >= 1, 'measureLag never read the replica: lag is only visible there');
      ensure(
        lag <= call + 20,
        `measureLag reported ${Math.round(lag)} ms, more than the ${Math.round(call)} ms the whole call took: return milliseconds from your own clock`,
      );
      return `${Math.round(lag)} ms with replication keeping up`;
    },
  },
  {
    id: id('measures-held-back-replica'),
    name: `measureLag sees a replica held back ${HELD_BACK_MS / 1000} s`,
    hint: 'Poll the replica for YOUR token (not the primary, not any row), pausing a few ms between polls, and time it on your own clock.',
    async run(h) {
      const s = observedContext(h);
      await h.pauseReplica();
      // The replica's clock, as the learner's session sees it, runs an hour ahead: a lag taken from server clocks shows it.
      await h.learnerReplica.query('SET @@session.timestamp = UNIX_TIMESTAMP() + 3600');
      let resumedAt = Infinity;
      const resume = sleep(HELD_BACK_MS).then(() => {
        resumedAt = performance.now();
        return h.resumeReplica().catch(() => {});
      });
      const calledAt = performance.now();
      let lag: unknown;
      let returnedAt: number;
      try {
        lag = await probe(h, s, 10_000);
        returnedAt = performance.now();
      } finally {
        await resume;
        await h.learnerReplica.query('SET @@session.timestamp = DEFAULT');
      }
      ensure(typeof lag === 'number', `measureLag returned ${show(lag)}`);
      const call = returnedAt - calledAt;
      ensure(
        lag <= call + 20,
        `measureLag reported ${Math.round(lag)} ms, more than the ${Math.round(call)} ms the whole call took (the replica's clock was an hour ahead): time it on your own clock, not with server times (NOW(), created_at)`,
      );
      // The marker cannot be on the replica before replication resumed; the probe's clock started at the latest when the INSERT returned.
      const inserted = s.primary.log.find(isInsert)?.endedAt ?? calledAt;
      const floor = (resumedAt - inserted) / 2;
      ensure(
        lag >= floor,
        `measureLag reported ${Math.round(lag)} ms while the marker could not reach the replica for ${Math.round(resumedAt - inserted)} ms: is it reading the primary, matching any marker rather than its own token, timing only the last poll, or returning seconds?`,
      );
      const polls = s.replica.log;
      const median = (values: number[]) => (values.length > 0 ? values.sort((x, y) => x - y)[Math.floor(values.length / 2)] : Infinity);
      const every = median(polls.slice(1).map((p, i) => p.startedAt - polls[i].startedAt));
      ensure(every <= SLOW_POLL_MS, `measureLag polled the replica every ${Math.round(every)} ms (median) while it was held back: poll every few milliseconds`);
      const pause = median(polls.slice(1).map((p, i) => p.startedAt - (polls[i].endedAt ?? p.startedAt)));
      ensure(
        pause >= NO_PAUSE_MS,
        `measureLag sent ${polls.length} polls in ${Math.round(call)} ms with no pause between them (median gap ${pause.toFixed(2)} ms): sleep a few milliseconds between polls`,
      );
      const late = await pollsAfter(s, returnedAt);
      ensure(late <= 1, `measureLag returned, yet ${late} more polls reached the replica in the next ${QUIET_MS} ms: stop polling once the marker is found`);
      return `${Math.round(lag)} ms for a ${HELD_BACK_MS} ms hold-back, ${polls.length} polls`;
    },
  },
  {
    id: id('unique-tokens'),
    name: 'each probe writes a token of its own',
    hint: 'Make the token unique for every call, even for calls in the same millisecond: crypto.randomUUID() fits lag_markers.token (VARCHAR(64)).',
    async run(h) {
      const s = observedContext(h);
      for (const which of ['first', 'second']) {
        try {
          await h.call('measureLag', s.ctx);
        } catch (err) {
          if (!(err instanceof LearnerError)) throw err;
          throw new CheckFailed(`the ${which} of two probes in a row failed (${err.message}): every call needs a new token`);
        }
      }
      const together = await Promise.allSettled([1, 2, 3, 4].map(() => h.call('measureLag', s.ctx)));
      const failed = together.find((r) => r.status === 'rejected');
      if (failed) {
        throw new CheckFailed(
          `of 4 probes started at the same moment, one failed (${(failed.reason as Error).message}): make every token unique, even within one millisecond`,
        );
      }
      const tokens = s.primary.log.filter((x) => isInsert(x) && !x.error).map((x) => x.sql + JSON.stringify(x.params));
      ensure(new Set(tokens).size === 6, `6 probes inserted ${new Set(tokens).size} distinct markers: every probe needs a token of its own`);
      return '6 probes, 6 distinct markers';
    },
  },
  {
    id: id('insert-refused'),
    name: 'when the primary refuses the marker, measureLag fails at once with that error',
    hint: 'Do not catch the INSERT error to poll anyway: a marker that was never written never arrives.',
    async run(h) {
      const s = observedContext(h);
      s.primary.faults.failWrites = 1;
      s.primary.faults.failWritesMatching = /^\s*insert\b/i;
      const started = performance.now();
      try {
        const lag = await h.callFor(5_000, 'measureLag', s.ctx);
        throw new CheckFailed(`measureLag returned ${show(lag)} although the primary refused its marker (a lock wait timeout): let the error reach the caller`);
      } catch (err) {
        if (!(err instanceof LearnerError)) throw err;
        if (/did not return within/.test(err.message)) {
          throw new CheckFailed(
            'measureLag was still polling 5 s after the primary refused its marker (a lock wait timeout): let that error reach the caller at once',
          );
        }
        ensure(
          s.primary.log.some((x) => isInsert(x) && x.error),
          `measureLag failed before it tried to insert its marker (${err.message}): INSERT the marker on ctx.primary first`,
        );
      }
      return `failed after ${Math.round(performance.now() - started)} ms with the primary's error`;
    },
  },
  {
    id: id('gives-up'),
    name: 'measureLag gives up with an error after ctx.giveUpMs when the marker never arrives',
    hint: 'Check the time on every poll; once ctx.giveUpMs have passed since the call, throw an Error (do not return a number) and stop every timer and loop you started.',
    timeoutMs: GIVE_UP_MS + 20_000,
    async run(h) {
      const s = observedContext(h);
      await h.pauseReplica();
      try {
        const started = performance.now();
        let outcome: { value: unknown } | { error: LearnerError };
        try {
          outcome = { value: await h.callFor(GIVE_UP_MS + GIVE_UP_SLACK_MS, 'measureLag', s.ctx) };
        } catch (err) {
          if (!(err instanceof LearnerError)) throw err;
          outcome = { error: err };
        }
        const settledAt = performance.now();
        const after = ((settledAt - started) / 1000).toFixed(1);
        if ('value' in outcome) {
          throw new CheckFailed(
            `measureLag returned ${show(outcome.value)} after ${after} s although replication was stopped and the marker never arrived: give up by throwing an error`,
          );
        }
        if (/did not return within/.test(outcome.error.message)) {
          throw new CheckFailed(
            `measureLag was still polling ${after} s after it was called, with replication stopped and ctx.giveUpMs = ${GIVE_UP_MS}: give up after ctx.giveUpMs with an error (not after a fixed time of your own)`,
          );
        }
        ensure(
          settledAt - started >= GIVE_UP_MS - 500,
          `measureLag gave up after ${after} s (${outcome.error.message}): with replication stopped, keep polling for ctx.giveUpMs (${GIVE_UP_S} s here)`,
        );
        const late = await pollsAfter(s, settledAt);
        ensure(late <= 1, `measureLag gave up, yet ${late} more polls reached the replica in the next ${QUIET_MS} ms: stop the loop or timer when you give up`);
        return `gave up after ${after} s with an error`;
      } finally {
        await h.resumeReplica();
      }
    },
  },
];
