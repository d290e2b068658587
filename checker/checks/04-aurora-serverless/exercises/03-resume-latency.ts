import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmedFault } from '../../../engines/endpoint-proxy.js';
import type { WireStatement } from '../../../engines/mysql-relay.js';
import { CheckFailed, CheckSkipped, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { isStartingTodo, LearnerError } from '../../../runner/learner-call.js';
import type { PauseOptions, PausedClusterProxy } from '../paused-cluster.js';
import type { PausedCluster, ServerlessHarness } from '../session.js';
import { ms } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `04.03.${name}`;
type H = ServerlessHarness;

/**
 * How far the reported figure may sit from the time between the first attempt and the first answer. Locally the
 * answer is the reply to SELECT 1 as it left for the client; on AWS it is the moment the stand-in let connections
 * through, so a handshake and a retry interval are in the figure too.
 */
const EARLY_MS = 50;
// Generous: a loaded machine delays the learner's process by hundreds of ms; the fine-grained judgement of where the
// clock starts is clock-at-first-attempt's (best of several short resumes).
const LATE_MS = 1_000;
/**
 * Locally: how much longer than "first attempt to the answer of SELECT 1" the best of a few short resumes may be
 * reported. A pause before the first attempt shows in every one; a loaded machine's delays rarely in all of them.
 */
const LEAD_MS = 120;
const LEAD_PROBES = 4;
/** The pause after a failed attempt the text asks for is 100-200 ms; these bounds leave room for a loaded machine. */
const PAUSE_MIN_MS = 80;
const PAUSE_MAX_MS = 450;

const isSelectOne = (s: WireStatement) => ['query', 'prepare', 'execute'].includes(s.command) && /^\s*SELECT\s+1\b/i.test(s.sql ?? '');

interface Probe {
  pause: PauseOptions;
  connectTimeoutMs?: number;
  giveUpMs?: number;
  /** Fail the first SELECT 1 with a server error (locally only: it needs the relay). */
  failFirstSelect?: boolean;
}

interface ObservedResume extends PausedCluster {
  outcome: { ok: true; value: unknown } | { ok: false; error: LearnerError };
  calledAt: number;
  settledAt: number;
  giveUpMs: number;
  connectTimeoutMs: number;
  fault?: ArmedFault;
}

async function observe(h: H, probe: Probe): Promise<ObservedResume> {
  const cluster = await h.pausedCluster();
  const fault =
    probe.failFirstSelect && cluster.relay
      ? cluster.relay.inject({
          match: (s) => isSelectOne(s) && s.command !== 'execute',
          fault: {
            type: 'fail',
            code: 1053,
            sqlState: '08S01',
            message: 'Server shutdown in progress (the cluster is still resuming: a fault the checker injected)',
          },
        })
      : undefined;
  cluster.proxy.pauseNow(probe.pause);
  const { ctx } = h.context({ via: cluster.proxy, connectTimeoutMs: probe.connectTimeoutMs, giveUpMs: probe.giveUpMs });
  const calledAt = performance.now();
  let outcome: ObservedResume['outcome'];
  try {
    outcome = { ok: true, value: await h.callFor(ctx.giveUpMs + ctx.connectTimeoutMs + 2_000, 'measureResume', ctx) };
  } catch (err) {
    if (!(err instanceof LearnerError)) throw err;
    outcome = { ok: false, error: err };
  }
  return { ...cluster, outcome, calledAt, settledAt: performance.now(), giveUpMs: ctx.giveUpMs, connectTimeoutMs: ctx.connectTimeoutMs, fault };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A measureResume that still throws its starting TODO is reported as that, before anything its missing code did not do. */
function rethrowStartingTodo(o: ObservedResume): void {
  if (!o.outcome.ok && isStartingTodo(o.outcome.error.message)) throw o.outcome.error;
}

/** The figure measureResume returned against a cluster that does resume; a throw is a give-up it should not have made. */
function reportedOf(o: ObservedResume, why: string): number {
  const { proxy } = o;
  rethrowStartingTodo(o);
  if (!o.outcome.ok) {
    const { message } = o.outcome.error;
    if (/did not return within/.test(message)) throw o.outcome.error;
    if (proxy.attempts > 0 && proxy.refused === proxy.attempts) {
      throw new CheckFailed(
        `measureResume gave up after ${plural(proxy.attempts, 'attempt')}, all refused while the cluster was resuming (${message}): keep trying until a connection works`,
      );
    }
    throw new CheckFailed(`measureResume gave up ${why} (${message}): every failed attempt is retried, after a short pause, until ctx.giveUpMs has passed`);
  }
  const value = o.outcome.value;
  ensure(typeof value === 'number' && Number.isFinite(value), `measureResume returned ${show(value)}, not a number of milliseconds`);
  ensure(proxy.firstAttemptAt !== undefined, 'measureResume never connected to ctx.connection (the paused cluster saw no connection)');
  return value;
}

/** When the first answer left for the client, on the checker's clock: the reply to the first SELECT 1 not failed on purpose (locally). */
function answeredAt(o: ObservedResume): number | undefined {
  if (!o.relay) return o.proxy.resumedAt;
  const failed = new Set(o.fault?.hits ?? []);
  const asked = o.relay.statements.find((s) => isSelectOne(s) && s.command !== 'prepare' && !failed.has(s))?.at;
  return asked === undefined ? undefined : (o.proxy.repliedAt.find((t) => t >= asked) ?? asked);
}

function requireSelectOne(o: ObservedResume): void {
  if (!o.relay) return;
  if (o.relay.statements.some(isSelectOne)) return;
  const sent = [...new Set(o.relay.statements.filter((s) => s.command !== 'quit').map((s) => s.sql ?? s.command))];
  throw new CheckFailed(
    `measureResume's connections never ran SELECT 1 (they sent ${sent.length > 0 ? sent.join(', ') : 'nothing'}): an open connection or a ping is not the answer - run SELECT 1 and stop the clock at its result`,
  );
}

/** The reported figure against the time from the first attempt to the first answer, as the checker saw them. */
function judgeClock(o: ObservedResume, reported: number): string {
  requireSelectOne(o);
  const first = o.proxy.firstAttemptAt!;
  const answer = answeredAt(o);
  ensure(answer !== undefined, 'measureResume returned before its connection answered');
  const truthMs = answer - first;
  if (reported < truthMs / 4) {
    throw new CheckFailed(
      `measureResume reported ${ms(reported)}, but from the first connection attempt to the first answer the cluster took ${ms(truthMs)}: start the clock before the first attempt and stop it at the first answer`,
    );
  }
  ensure(
    reported >= truthMs - EARLY_MS,
    `measureResume reported ${ms(reported)} for a resume that took ${ms(truthMs)} from the first attempt to the first answer: measure it every time, from the first attempt (a fixed or remembered figure, or a clock restarted for each attempt, cannot follow the cluster)`,
  );
  ensure(
    reported <= truthMs + LATE_MS,
    `measureResume reported ${ms(reported)} for a resume that took ${ms(truthMs)} from the first attempt to the first answer: start the clock right before the first attempt (no pause before it) and stop it at the first answer`,
  );
  return `reported ${ms(reported)} for a resume that took ${ms(truthMs)} from the first attempt to the answer`;
}

async function closedBehind(proxy: PausedClusterProxy): Promise<number> {
  for (let i = 0; i < 20 && proxy.openClients > 0; i += 1) await sleep(25);
  return proxy.openClients;
}

function judgePauses(proxy: PausedClusterProxy): string {
  const gaps: number[] = [];
  proxy.log.forEach((a, i) => {
    const next = proxy.log[i + 1];
    if (a.refused && a.closedAt !== undefined && next) gaps.push(next.at - a.closedAt);
  });
  if (gaps.length === 0) return '';
  const shortest = Math.min(...gaps);
  const longest = Math.max(...gaps);
  ensure(
    shortest >= PAUSE_MIN_MS,
    `measureResume tried again ${ms(shortest)} after a refused attempt (${plural(proxy.attempts, 'attempt')} in all): wait a little (100-200 ms) after a failed attempt, so a resuming cluster is not hammered`,
  );
  ensure(
    longest <= PAUSE_MAX_MS,
    `measureResume waited ${ms(longest)} after a refused attempt before the next: wait only a little (100-200 ms), or the figure grows by the pause`,
  );
  return `, pauses of ${ms(shortest)}-${ms(longest)} between attempts`;
}

export const resumeLatencyChecks: ExerciseCheck<H>[] = [
  {
    id: id('waits-for-resume'),
    name: 'measureResume waits for a paused cluster, one attempt at a time, and times it to the answer of SELECT 1',
    hint: 'const started = Date.now(); then loop: connect (connectTimeout: ctx.connectTimeoutMs), SELECT 1, end the connection, return Date.now() - started.',
    async run(h) {
      const o = await observe(h, { pause: { holdMs: 1_200 } });
      const reported = reportedOf(o, 'while the cluster was resuming');
      ensure(
        o.proxy.peakWaiting <= 1,
        `measureResume had ${o.proxy.peakWaiting} connection attempts waiting at once: start the next attempt only once the previous one has failed`,
      );
      const seen = judgeClock(o, reported);
      const open = await closedBehind(o.proxy);
      ensure(open === 0, `measureResume left ${plural(open, 'connection')} open: end each connection it opens`);
      return seen;
    },
  },
  {
    id: id('follows-the-hold'),
    name: 'measureResume measures a longer resume just as well (nothing hard-coded)',
    hint: 'Measure the time, do not assume it: a real resume takes anything from a few to about 15 seconds.',
    async run(h) {
      const o = await observe(h, { pause: { holdMs: 2_300 } });
      return judgeClock(o, reportedOf(o, 'while the cluster was resuming'));
    },
  },
  {
    id: id('retries-refused'),
    name: 'measureResume keeps trying, 100-200 ms apart, when the first connections are refused',
    hint: 'Catch the failed attempt, wait a little (100-200 ms) and try again, until ctx.giveUpMs has passed.',
    async run(h) {
      const o = await observe(h, { pause: { refuseMs: 700, holdMs: 600 } });
      const reported = reportedOf(o, 'while the cluster was resuming');
      ensure(o.proxy.attempts >= 2, `measureResume made ${plural(o.proxy.attempts, 'attempt')} against a cluster that refused it at first`);
      const pauses = judgePauses(o.proxy);
      const seen = judgeClock(o, reported);
      return `${plural(o.proxy.refused, 'refused attempt')}, then an answer${pauses}; ${seen}`;
    },
  },
  {
    id: id('connect-timeout'),
    name: 'each attempt gives up after ctx.connectTimeoutMs and is retried',
    hint: 'mysql.createConnection({ ...ctx.connection, connectTimeout: ctx.connectTimeoutMs }): an attempt that waits longer fails, and the loop tries again.',
    async run(h) {
      const connectTimeoutMs = 400;
      const o = await observe(h, { pause: { holdMs: 1_600 }, connectTimeoutMs });
      const first = o.proxy.log[0];
      if (first) {
        const waited = (first.closedAt ?? first.forwardedAt ?? o.settledAt) - first.at;
        ensure(
          waited <= connectTimeoutMs + 400,
          `measureResume's first attempt waited ${ms(waited)} for a resuming cluster, but ctx.connectTimeoutMs was ${ms(connectTimeoutMs)}: pass connectTimeout: ctx.connectTimeoutMs to mysql.createConnection, so a waiting attempt gives up and is retried`,
        );
      }
      const reported = reportedOf(o, `when an attempt timed out after ctx.connectTimeoutMs (${ms(connectTimeoutMs)})`);
      ensure(o.proxy.attempts >= 2, `measureResume made ${plural(o.proxy.attempts, 'attempt')} in a resume longer than ctx.connectTimeoutMs`);
      const seen = judgeClock(o, reported);
      return `${plural(o.proxy.attempts, 'attempt')} of at most ${ms(connectTimeoutMs)} each; ${seen}`;
    },
  },
  {
    id: id('retries-failed-select'),
    name: 'measureResume retries when SELECT 1 fails, and closes that connection too',
    hint: 'A SELECT 1 that fails is a failed attempt: end (or destroy) its connection, wait a little, try again.',
    async run(h) {
      if (h.target !== 'local') throw new CheckSkipped('judged on the local target: on AWS the connection is TLS, so the checker cannot fail one statement');
      const o = await observe(h, { pause: { holdMs: 300 }, failFirstSelect: true });
      rethrowStartingTodo(o);
      ensure(o.fault && o.fault.hits.length > 0, "measureResume's connections never ran SELECT 1: run SELECT 1 and stop the clock at its result");
      const reported = reportedOf(o, 'when SELECT 1 failed once with a server error');
      const seen = judgeClock(o, reported);
      const open = await closedBehind(o.proxy);
      ensure(
        open === 0,
        `measureResume left ${plural(open, 'connection')} open after SELECT 1 failed on one: end (or destroy) the connection of a failed attempt too`,
      );
      return `SELECT 1 failed once and was retried; ${seen}`;
    },
  },
  {
    id: id('clock-at-first-attempt'),
    name: 'the clock starts right at the first attempt and stops at the answer of SELECT 1',
    hint: 'const started = Date.now(), then the first attempt at once; the pause (100-200 ms) comes only after a failed attempt.',
    async run(h) {
      if (h.target !== 'local') throw new CheckSkipped('judged on the local target: on AWS the checker cannot see when SELECT 1 is answered (TLS)');
      const leads: number[] = [];
      for (let i = 0; i < LEAD_PROBES; i += 1) {
        const o = await observe(h, { pause: { holdMs: 200 } });
        const reported = reportedOf(o, 'while the cluster was resuming');
        requireSelectOne(o);
        const answer = answeredAt(o);
        ensure(answer !== undefined, 'measureResume returned before its connection answered');
        leads.push(reported - (answer - o.proxy.firstAttemptAt!));
        await h.release();
      }
      const best = Math.min(...leads);
      ensure(
        best <= LEAD_MS,
        `in ${LEAD_PROBES} short resumes measureResume reported at least ${ms(best)} more than the time from its first attempt to the answer of SELECT 1: start the clock right before the first attempt (no pause before it) and stop it at the answer`,
      );
      return `reported within ${ms(best)} of the first attempt-to-answer time (best of ${LEAD_PROBES} short resumes)`;
    },
  },
  {
    // Last: code that never gives up is still running when the call times out, and the checker must stop it.
    id: id('gives-up'),
    name: 'measureResume gives up (throws) once ctx.giveUpMs has passed without an answer',
    hint: 'Loop while Date.now() - started < ctx.giveUpMs; after the loop, throw an Error: there was no answer to time.',
    async run(h) {
      const giveUpMs = 1_500;
      const connectTimeoutMs = 1_000;
      const o = await observe(h, { pause: { refuseMs: Infinity }, giveUpMs, connectTimeoutMs });
      rethrowStartingTodo(o);
      const tookMs = o.settledAt - o.calledAt;
      if (o.outcome.ok) {
        throw new CheckFailed(
          `measureResume returned ${show(o.outcome.value)} though the cluster never answered: when ctx.giveUpMs (${ms(giveUpMs)}) passes without an answer, throw an Error - there is no resume to time`,
        );
      }
      if (/did not return within/.test(o.outcome.error.message)) {
        throw new CheckFailed(
          `measureResume was still trying ${ms(tookMs)} after the call against a cluster that never answered, though ctx.giveUpMs was ${ms(giveUpMs)}: stop trying once ctx.giveUpMs (milliseconds) has passed, and throw`,
        );
      }
      ensure(
        tookMs >= giveUpMs - 250,
        `measureResume gave up after ${ms(tookMs)} (${plural(o.proxy.attempts, 'attempt')}), before ctx.giveUpMs (${ms(giveUpMs)}) had passed: keep trying until then`,
      );
      const last = o.proxy.log.at(-1);
      const lateBy = last ? last.at - o.calledAt - giveUpMs : 0;
      ensure(lateBy <= 300, `measureResume started an attempt ${ms(lateBy)} after ctx.giveUpMs (${ms(giveUpMs)}) had passed: stop trying once it has`);
      return `gave up (threw) after ${ms(tookMs)} and ${plural(o.proxy.attempts, 'refused attempt')}, with ctx.giveUpMs ${ms(giveUpMs)}`;
    },
  },
];
