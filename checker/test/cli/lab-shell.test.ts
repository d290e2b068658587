/**
 * npm run lab N -- --shell: the lab's local engines with a client prompt on
 * them. Scripted here: the chooser picks endpoints, each client reads one
 * statement from a pipe; afterwards nothing of the engines may be left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab03 } from '../../../labs/03-aurora-cluster/lab.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { labShell, QUIT, runClientInForeground, shellEndpoints, type ShellEndpoint } from '../../cli/lab-shell.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { runCli, STACK_TRACE, enginePidsUnder } from './helpers.js';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Runs the client with `input` on its standard input, as a learner typing one statement would. */
function scriptedClient(input: string, outputs: string[]) {
  return (command: string, args: string[]) =>
    new Promise<number>((resolve) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => {
        outputs.push(out);
        resolve(code ?? 1);
      });
      child.stdin.end(input);
    });
}

/** Picks the endpoints with these labels, in order, then quits. */
function picks(labels: RegExp[]) {
  const queue = [...labels];
  return async (targets: ShellEndpoint[]) => {
    const next = queue.shift();
    if (!next) return QUIT;
    const index = targets.findIndex((t) => next.test(t.label));
    expect(index, `no endpoint labelled ${next}`).toBeGreaterThanOrEqual(0);
    return index;
  };
}

function ports(endpoints: Endpoints): number[] {
  return shellEndpoints(endpoints).map((t) => t.endpoint.port);
}

describe('npm run lab N -- --shell', () => {
  it('without a terminal: prints Lab 3’s writer, reader and instance endpoints, opens nothing, exits 2, leaves no engine', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'dtl-shell-'));
    const run = await runCli('lab', ['3', '--shell'], { TMPDIR: scratch });
    expect(run.code).toBe(2);
    const all = `${run.stdout}\n${run.stderr}`;
    expect(all).toMatch(/writer \(cluster endpoint\)\s+127\.0\.0\.1:\d+\s+mariadb -h 127\.0\.0\.1 -P \d+/);
    expect(all).toMatch(/reader endpoint\s+127\.0\.0\.1:\d+/);
    expect(all.match(/instance labs-instance-\d\s+127\.0\.0\.1:\d+/g)).toHaveLength(3);
    expect(all).toContain('There is no terminal to open a prompt in');
    expect(all).toContain('The local engines of Lab 3 are stopped.');
    expect(all).not.toMatch(STACK_TRACE);
    expect(enginePidsUnder(scratch)).toEqual([]);
  });

  it('Lab 3: a mariadb prompt on the writer and on the reader, then quit: the engines are gone', async () => {
    const outputs: string[] = [];
    let seen: Endpoints | undefined;
    const code = await labShell(lab03, {
      interactive: true,
      choose: picks([/^writer/, /^reader/]),
      runClient: scriptedClient('SELECT @@read_only AS ro;\n', outputs),
      write: () => {},
      onReady: (endpoints) => (seen = endpoints),
    });
    expect(code).toBe(0);
    expect(outputs.map((o) => o.trim().split('\n'))).toEqual([
      ['ro', '0'],
      ['ro', '1'],
    ]);
    for (const port of ports(seen as Endpoints)) expect(await refused(port), `port ${port} still answers`).toBe(true);
  });

  it('Lab 5: redis-cli on Redis and mariadb on the seeded database, from the same generic list', async () => {
    const outputs: string[] = [];
    let seen: Endpoints | undefined;
    const statements = ['PING\n', 'SELECT COUNT(*) AS users FROM users;\n'];
    const code = await labShell(lab05, {
      interactive: true,
      choose: picks([/^redis$/, /^database$/]),
      runClient: (command, args) => scriptedClient(statements.shift() as string, outputs)(command, args),
      write: () => {},
      onReady: (endpoints) => (seen = endpoints),
    });
    expect(code).toBe(0);
    expect(outputs.map((o) => o.trim())).toEqual(['PONG', 'users\n1000']);
    expect(shellEndpoints(seen as Endpoints).map((t) => t.label)).toEqual(['database', 'redis']);
    for (const port of ports(seen as Endpoints)) expect(await refused(port), `port ${port} still answers`).toBe(true);
  });

  it('gives Ctrl-C to the client while it runs, and the kit’s handler back afterwards', async () => {
    const handler = () => {};
    process.on('SIGINT', handler);
    try {
      expect(await runClientInForeground(process.execPath, ['-e', 'process.exit(3)'])).toBe(3);
      const waiting = runClientInForeground(process.execPath, ['-e', 'setTimeout(() => {}, 300)']);
      const during = process.listeners('SIGINT');
      await waiting;
      expect(during).not.toContain(handler);
      expect(process.listeners('SIGINT')).toContain(handler);
    } finally {
      process.removeListener('SIGINT', handler);
    }
  });
});
