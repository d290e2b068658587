/**
 * The learner's code in a process of its own, seen from the checker: start
 * it, load the file, call its exports through stubs (peer.ts), collect what
 * it printed, and end it with everything it started. Its own process group
 * and a tag in its environment find whatever it leaves behind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileKitScript, compileLearnerFile, CompileRefused } from './compile.js';
import { confinedExecArgv } from './confinement.js';
import { describeCompileRefusal } from './load-error.js';
import { Peer, PeerClosed, type PeerMessage } from './peer.js';

/** Refuses learner imports of solutions/ and of the checker's internals at run time (see import-guard-hooks.mjs). */
export const IMPORT_GUARD = fileURLToPath(new URL('./import-guard.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOST = fileURLToPath(new URL('./learner-host.ts', import.meta.url));
/** Set in the environment of each exercise process, and so of anything it starts. */
export const RUN_TAG = 'DTL_EXERCISE_RUN';
/** Starting Node may take this long on a busy machine. */
const START_LIMIT_MS = 30_000;
/** After the exercise process exits, how long its pipes may take to deliver their last bytes. */
const PIPE_GRACE_MS = 300;

/** `file` is the compiled bundle to import; `source` the learner's file it came from (for messages). */
export type HostRequest = { type: 'load'; file: string; source: string } | { type: 'drain' };
export type HostMessage =
  | { type: 'ready' }
  | { type: 'loaded'; exports: unknown }
  | { type: 'load-failed'; message: string }
  | { type: 'drained'; output: string[]; floating: unknown[] };

export type LoadOutcome = { ok: true; module: Record<string, unknown> } | { ok: false; message: string } | { ok: false; timedOut: true };

/** Forks the compiled `script` as an exercise process: confined, the import guard, its own process group, the run's tag. */
function forkExerciseProcess(script: string, tag: string): ChildProcess {
  return fork(script, [], {
    cwd: REPO_ROOT,
    execArgv: [...confinedExecArgv(), '--import', IMPORT_GUARD],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '', [RUN_TAG]: tag },
    detached: true,
    serialization: 'advanced',
  });
}

export class LearnerProcess {
  readonly peer: Peer;
  private stderrTail = '';
  private readonly exit: Promise<void>;
  private exitedAlready = false;
  private readonly waiting = new Map<HostMessage['type'], (message: HostMessage) => void>();
  /** Compiled copies of the learner's files, removed when the process ends. */
  private readonly compiled: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly tag: string,
  ) {
    this.peer = new Peer(
      (message) => {
        if (!child.connected) throw new PeerClosed('the exercise process has ended');
        // A process that is going away breaks the pipe (EPIPE): without a callback that is an unhandled 'error' that
        // ends the checker. Its end is handled on 'exit', which closes the peer.
        child.send(message, (err) => void err);
      },
      { keepRemoteStack: true },
    );
    child.stderr?.on('data', (chunk) => {
      this.stderrTail = (this.stderrTail + String(chunk)).slice(-4_000);
    });
    child.stdout?.resume();
    child.on('message', (message: HostMessage | PeerMessage) => {
      if (message.type === 'rpc' || message.type === 'rpc-reply') {
        // A reply to a process that has just gone (its 'exit' not yet seen) has no one to read it.
        void this.peer.handle(message).catch((err: unknown) => {
          if (!(err instanceof PeerClosed)) throw err;
        });
      } else this.waiting.get(message.type)?.(message);
    });
    this.exit = new Promise<void>((resolve) => {
      child.on('exit', () => {
        this.exitedAlready = true;
        this.peer.close(new PeerClosed('the exercise process has ended'));
        endGroup(child, tag);
        const giveUp = setTimeout(() => {
          closePipes(child);
          resolve();
        }, PIPE_GRACE_MS);
        child.once('close', () => {
          clearTimeout(giveUp);
          resolve();
        });
      });
    });
  }

  static async start(): Promise<LearnerProcess> {
    const tag = randomUUID();
    const host = new LearnerProcess(forkExerciseProcess(await compileKitScript(HOST, 'learner-host'), tag), tag);
    // Listen from the start: the message may come before anyone asks.
    host.readyMessage = host.next('ready', START_LIMIT_MS);
    return host;
  }

  private readyMessage: Promise<HostMessage | undefined> = Promise.resolve(undefined);

  get exited(): boolean {
    return this.exitedAlready;
  }

  /** Resolves when the process has ended and its pipes are drained. */
  get ended(): Promise<void> {
    return this.exit;
  }

  /** The last line the process wrote to stderr that is not a stack frame (why it ended, usually). */
  get lastWords(): string | undefined {
    return this.stderrTail
      .trim()
      .split('\n')
      .filter((line) => line.trim() && !/^Node\.js v\d/.test(line) && !/^\s+at /.test(line))
      .slice(-1)[0];
  }

  private next<T extends HostMessage['type']>(type: T, timeoutMs: number): Promise<Extract<HostMessage, { type: T }> | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (message?: HostMessage) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.waiting.get(type) === done) this.waiting.delete(type);
        resolve(message as Extract<HostMessage, { type: T }> | undefined);
      };
      const timer = setTimeout(() => done(), timeoutMs);
      this.waiting.set(type, done);
      void this.exit.then(() => done());
    });
  }

  /** Whether the process started (Node and the import guard) within START_LIMIT_MS. */
  async ready(): Promise<boolean> {
    return (await this.readyMessage) !== undefined;
  }

  /** Loads the learner's file; its functions come back as stubs that call into the process. */
  async load(file: string, timeoutMs: number): Promise<LoadOutcome> {
    let compiled: string;
    try {
      compiled = await compileLearnerFile(file);
    } catch (err) {
      if (err instanceof CompileRefused) return { ok: false, message: describeCompileRefusal(err, file) };
      throw err;
    }
    this.compiled.push(compiled);
    const loaded = this.next('loaded', timeoutMs);
    const failed = this.next('load-failed', timeoutMs);
    // A process that is already going away cannot take it (EPIPE): its exit is reported instead.
    this.child.send({ type: 'load', file: compiled, source: file } satisfies HostRequest, (err) => void err);
    const first = await Promise.race([loaded, failed]);
    if (first?.type === 'loaded') return { ok: true, module: (await this.peer.unmarshal(first.exports)) as Record<string, unknown> };
    if (first?.type === 'load-failed') return { ok: false, message: first.message };
    return this.exitedAlready ? { ok: false, message: '' } : { ok: false, timedOut: true };
  }

  /** What the learner's code printed and the promises it left to fail since the last drain; undefined when the process does not answer (busy or gone). */
  async drain(timeoutMs: number): Promise<{ output: string[]; floating: unknown[] } | undefined> {
    if (this.exitedAlready || !this.child.connected) return undefined;
    const reply = this.next('drained', timeoutMs);
    this.child.send({ type: 'drain' } satisfies HostRequest, (err) => void err);
    const message = await reply;
    if (!message) return undefined;
    return { output: message.output, floating: (await this.peer.unmarshal(message.floating)) as unknown[] };
  }

  /** Ends the process and everything it started; resolves once it is gone. */
  async stop(): Promise<void> {
    if (!this.exitedAlready) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    endGroup(this.child, this.tag);
    await this.exit;
    for (const file of this.compiled.splice(0)) rmSync(file, { force: true });
  }

  /** For Ctrl-C: end it now, without waiting. */
  stopNow(): void {
    endGroup(this.child, this.tag);
    closePipes(this.child);
  }
}

/**
 * Ends what is left of an exercise run: every process in its group (a
 * grandchild the learner's code started, busy or unreferenced) is killed,
 * and any that left the group.
 */
export function endGroup(child: ChildProcess, tag: string): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already empty
    }
  }
  killTagged(tag);
}

/**
 * A process the learner's code started with detached: true leads a group of
 * its own; it still carries the run's tag in its environment, which is how it
 * is found (Linux; elsewhere the process group is all there is).
 */
function killTagged(tag: string): void {
  if (!existsSync('/proc/self/environ')) return;
  const marker = `${RUN_TAG}=${tag}`;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone, or another user's
    }
  }
}

/** Closes our ends of its output pipes, so a grandchild that inherited them cannot keep the checker waiting. */
export function closePipes(child: ChildProcess): void {
  child.stdout?.destroy();
  child.stderr?.destroy();
}
