/**
 * The process that hosts the learner's module when a lab's checks run in the
 * checker (see learner-process.ts). It loads the file and answers calls; it
 * holds no check, no result and no connection of the checker's, so nothing
 * the learner's code does here can write a verdict. What it reports (console
 * output, promises left to fail) is taken as the learner's own output.
 */
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { connectRedis, unreachableRedis } from './connect.js';
import { describeLoadError } from './load-error.js';
import { Peer, type PeerMessage } from './peer.js';
import type { RemoteForm } from './remote-forms.js';
import type { HostMessage, HostRequest } from './learner-process.js';

// Taken before any learner code loads, so replacing process.send, process.exit or console changes nothing here.
const exitForReal = process.exit.bind(process);
const post = process.send!.bind(process) as (message: HostMessage | PeerMessage) => boolean;
const kill = process.kill.bind(process);

let output: string[] = [];
let floating: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  floating.push(reason);
});

function captureConsole(): void {
  const record = (...args: unknown[]) => {
    output.push(format(...args));
  };
  console.log = record;
  console.info = record;
  console.warn = record;
  console.error = record;
  console.debug = record;
}

async function buildForm(form: RemoteForm): Promise<unknown> {
  switch (form.kind) {
    case 'redis':
      return connectRedis(form.endpoint);
    case 'unreachable-redis':
      return unreachableRedis();
    case 'portable': {
      const fn = new Function(`return (${form.source});`)() as (data: unknown, ...args: unknown[]) => unknown;
      return (...args: unknown[]) => fn(form.data, ...args);
    }
  }
}

const peer = new Peer((message) => void post(message), { buildForm, keepRemoteStack: false });

async function load(file: string, source: string): Promise<void> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    post({ type: 'load-failed', message: describeLoadError(err, source) });
    return;
  }
  captureConsole();
  // Output while loading belongs to no check.
  output = [];
  floating = [];
  post({ type: 'loaded', exports: peer.marshal({ ...module }) });
}

process.on('message', (message: HostRequest | PeerMessage) => {
  switch (message.type) {
    case 'load':
      void load(message.file, message.source);
      break;
    case 'drain':
      post({ type: 'drained', output, floating: floating.map((reason) => peer.marshal(reason)) });
      output = [];
      floating = [];
      break;
    default:
      void peer.handle(message);
  }
});

post({ type: 'ready' });

// The checker went away without ending this run (killed with -9): take the learner's processes down too.
process.on('disconnect', () => {
  try {
    kill(-process.pid, 'SIGKILL');
  } catch {
    exitForReal(0);
  }
});
