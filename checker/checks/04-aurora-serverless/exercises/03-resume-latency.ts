import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailed, ensure, type ExerciseCheck } from '../../../runner/harness.js';
import { LearnerError } from '../../../runner/learner-call.js';
import type { PauseOptions, PausedClusterProxy } from '../paused-cluster.js';
import type { ServerlessHarness } from '../session.js';
import { ms } from './shared.js';
import { show } from '../../show-value.js';

const id = (name: string) => `04.03.${name}`;
type H = ServerlessHarness;

/** How far the reported figure may sit from the resume the proxy staged (a handshake, a retry interval). */
const EARLY_MS = 50;
const LATE_MS = 350;

interface ObservedResume {
  reported: number;
  proxy: PausedClusterProxy;
  truthMs: number;
}

async function observeResume(h: H, pause: PauseOptions): Promise<ObservedResume> {
  const proxy = await h.pausedCluster();
  proxy.pauseNow(pause);
  const { ctx } = h.context({ via: proxy });
  let value: unknown;
  try {
    value = await h.callFor(ctx.giveUpMs + 2_000, 'measureResume', ctx);
  } catch (err) {
    if (err instanceof LearnerError && (pause.refuseMs ?? 0) > 0 && proxy.refused > 0 && proxy.attempts === proxy.refused) {
      throw new CheckFailed(
        `measureResume gave up after ${proxy.attempts} attempt${proxy.attempts === 1 ? '' : 's'}, all refused while the cluster was resuming (${err.message}): keep trying until a connection works`,
      );
    }
    throw err;
  }
  ensure(typeof value === 'number' && Number.isFinite(value), `measureResume returned ${show(value)}, not a number of milliseconds`);
  ensure(proxy.resumeMs !== undefined, 'measureResume never connected to ctx.connection (the paused cluster saw no connection)');
  return { reported: value, proxy, truthMs: proxy.resumeMs };
}

function judge(o: ObservedResume): void {
  const { reported, truthMs } = o;
  if (reported < truthMs / 4) {
    throw new CheckFailed(
      `measureResume reported ${ms(reported)}, but from the first connection attempt to the first answer the cluster took ${ms(truthMs)}: start the clock before the first attempt and stop it at the first answer`,
    );
  }
  ensure(
    reported >= truthMs - EARLY_MS,
    `measureResume reported ${ms(reported)} for a resume that took ${ms(truthMs)} from the first attempt to the first answer: measure it every time (a fixed or remembered figure cannot follow the cluster)`,
  );
  ensure(
    reported <= truthMs + LATE_MS,
    `measureResume reported ${ms(reported)} for a resume that took ${ms(truthMs)} from the first attempt: stop the clock at the first answer`,
  );
}

async function closedBehind(proxy: PausedClusterProxy): Promise<number> {
  for (let i = 0; i < 20 && proxy.openClients > 0; i += 1) await sleep(25);
  return proxy.openClients;
}

export const resumeLatencyChecks: ExerciseCheck<H>[] = [
  {
    id: id('waits-for-resume'),
    name: 'measureResume waits for a paused cluster and times it from the first attempt',
    hint: 'const started = Date.now(); then loop: connect (connectTimeout: ctx.connectTimeoutMs), SELECT 1, end the connection, return Date.now() - started.',
    async run(h) {
      const o = await observeResume(h, { holdMs: 1_200 });
      judge(o);
      const open = await closedBehind(o.proxy);
      ensure(open === 0, `measureResume left ${open} connection${open === 1 ? '' : 's'} open: end each connection it opens`);
      return `reported ${ms(o.reported)} for a resume that took ${ms(o.truthMs)}`;
    },
  },
  {
    id: id('follows-the-hold'),
    name: 'measureResume measures a longer resume just as well (nothing hard-coded)',
    hint: 'Measure the time, do not assume it: a real resume takes anything from a few to about 15 seconds.',
    async run(h) {
      const o = await observeResume(h, { holdMs: 2_300 });
      judge(o);
      return `reported ${ms(o.reported)} for a resume that took ${ms(o.truthMs)}`;
    },
  },
  {
    id: id('retries-refused'),
    name: 'measureResume keeps trying when the first connections are refused',
    hint: 'Catch the failed attempt, wait a little (100-200 ms) and try again, until ctx.giveUpMs has passed.',
    async run(h) {
      const o = await observeResume(h, { refuseMs: 700, holdMs: 600 });
      ensure(o.proxy.attempts >= 2, `measureResume made ${o.proxy.attempts} attempt against a cluster that refused it at first`);
      judge(o);
      return `${o.proxy.refused} refused attempt${o.proxy.refused === 1 ? '' : 's'}, then an answer: reported ${ms(o.reported)} for ${ms(o.truthMs)}`;
    },
  },
];
