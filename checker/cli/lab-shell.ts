/**
 * npm run lab N -- --shell: the lab's local engines, started as
 * `npm run check -- N --target local` starts them (with the lab's sample
 * data), and a mariadb or redis-cli prompt on any of their endpoints, so the
 * lesson's "try it in SQL on the local stand-in" has somewhere to happen.
 * What there is to open comes from the endpoints the lab's local topology
 * gives, never from the lab's number. The engines stop when the shell ends.
 */
import { spawn } from 'node:child_process';
import type { LabMeta } from '../core/lab.js';
import { EnvironmentError } from '../core/errors.js';
import { forLearner, redisForLearner, type Endpoints, type MysqlEndpoint, type RedisEndpoint } from '../engines/endpoints.js';
import { findExecutable } from '../engines/binaries.js';
import { findPlugin } from '../../labs/index.js';
import { connectMysql } from '../runner/connect.js';
import { startLocalFor } from './targets.js';
import { say } from './terminal.js';

export type ShellEndpoint = { label: string; client: 'mariadb'; endpoint: MysqlEndpoint } | { label: string; client: 'redis-cli'; endpoint: RedisEndpoint };

/**
 * Every endpoint a learner can open, named as the lesson names it. A cluster
 * endpoint and an instance endpoint may reach the same server (locally the
 * writer endpoint is the first instance, as on Aurora it resolves to it): both
 * names are listed. The lab's database endpoint is listed only when it is
 * none of the others.
 */
export function shellEndpoints(endpoints: Endpoints): ShellEndpoint[] {
  const named: ShellEndpoint[] = [];
  const cluster = endpoints.cluster;
  if (cluster) {
    named.push({ label: 'writer (cluster endpoint)', client: 'mariadb', endpoint: cluster.writer });
    named.push({ label: 'reader endpoint', client: 'mariadb', endpoint: cluster.reader });
    for (const [id, endpoint] of Object.entries(cluster.instances)) named.push({ label: `instance ${id}`, client: 'mariadb', endpoint });
  }
  const replication = endpoints.replication;
  if (replication) {
    named.push({ label: `primary (server ${replication.primary.serverId})`, client: 'mariadb', endpoint: replication.primary });
    named.push({ label: `replica (server ${replication.replica.serverId})`, client: 'mariadb', endpoint: replication.replica });
  }
  const address = (e: { host: string; port: number }) => `${e.host}:${e.port}`;
  const database: ShellEndpoint = { label: replication ? 'endpoint (follows the primary)' : 'database', client: 'mariadb', endpoint: endpoints.mysql };
  const all = named.some((n) => address(n.endpoint) === address(endpoints.mysql)) ? named : [database, ...named];
  return endpoints.redis ? [...all, { label: 'redis', client: 'redis-cli', endpoint: endpoints.redis }] : all;
}

/** The client's arguments: what a learner would type to open the same prompt in another terminal, as the learner's account. */
export function clientArgs(target: ShellEndpoint): string[] {
  if (target.client === 'redis-cli') {
    const r = redisForLearner(target.endpoint);
    const user = r.username ? ['--user', r.username] : [];
    const auth = r.password ? [...user, '--pass', r.password, '--no-auth-warning'] : [];
    return ['-h', r.host, '-p', String(r.port), ...auth];
  }
  const e = forLearner(target.endpoint);
  return ['-h', e.host, '-P', String(e.port), '--protocol=TCP', '-u', e.user, ...(e.password ? [`-p${e.password}`] : []), e.database];
}

export function describeEndpoint(target: ShellEndpoint): string {
  return `${target.label.padEnd(32)} ${target.endpoint.host}:${target.endpoint.port}   ${target.client} ${clientArgs(target).join(' ')}`;
}

function clientBinary(client: ShellEndpoint['client']): string {
  const found = findExecutable(client === 'mariadb' ? ['mariadb', 'mysql'] : ['redis-cli']);
  if (!found) {
    throw new EnvironmentError(
      `The ${client} client is not installed, so there is no prompt to open.`,
      client === 'mariadb'
        ? 'Install it with `sudo apt-get install mariadb-client` (see docs/local-target.md).'
        : 'Install it with `sudo apt-get install redis-tools` (see docs/local-target.md).',
    );
  }
  return found;
}

/**
 * Runs the client in the foreground. Ctrl-C then belongs to the client (it
 * cancels a statement): the kit's own handler, which would stop the engines
 * under it, is set aside until the client exits. The client runs beside the
 * event loop (not spawnSync) because local endpoints can be proxies served by
 * this process.
 */
export function runClientInForeground(command: string, args: string[]): Promise<number> {
  const saved = process.listeners('SIGINT');
  process.removeAllListeners('SIGINT');
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  }).finally(() => {
    process.removeListener('SIGINT', ignore);
    for (const listener of saved) process.on('SIGINT', listener as NodeJS.SignalsListener);
  });
}

export const QUIT = 'quit';

export interface ShellOptions {
  /** False without a terminal: the endpoints are printed and nothing is opened. */
  interactive: boolean;
  /** Which endpoint next (its index), or QUIT; by default asked with a menu. */
  choose?: (targets: ShellEndpoint[]) => Promise<number | typeof QUIT>;
  /** Runs one client; by default in the foreground of this terminal. */
  runClient?: (command: string, args: string[]) => Promise<number>;
  write?: (line: string) => void;
  /** Told the endpoints once the engines are up (tests). */
  onReady?: (endpoints: Endpoints) => void;
}

async function askWhich(targets: ShellEndpoint[]): Promise<number | typeof QUIT> {
  const { select } = await import('@inquirer/prompts');
  return select<number | typeof QUIT>({
    message: 'Open a prompt on which endpoint?',
    choices: [
      ...targets.map((t, i) => ({ name: `${t.label} (${t.endpoint.host}:${t.endpoint.port}, ${t.client})`, value: i })),
      { name: 'Stop the engines and quit', value: QUIT },
    ],
    pageSize: targets.length + 1,
  });
}

export async function labShell(lab: LabMeta, options: ShellOptions): Promise<number> {
  const write = options.write ?? say;
  const engines = await startLocalFor(lab);
  try {
    const seed = (await findPlugin(lab.id)?.checks())?.seed;
    if (seed) {
      const sql = await connectMysql(engines.endpoints.mysql);
      try {
        await seed(sql);
      } finally {
        await sql.end();
      }
    }
    options.onReady?.(engines.endpoints);
    const targets = shellEndpoints(engines.endpoints);
    write(`\nLab ${lab.id}'s local engines (the same ones npm run check -- ${lab.id} --target local uses, with the lab's sample data):`);
    for (const target of targets) write(`  ${describeEndpoint(target)}`);
    if (!options.interactive) {
      write(
        '\nThere is no terminal to open a prompt in (output is piped, CI is set, or --no-input was given), so the engines stop again now. Run `npm run lab ' +
          `${lab.id} -- --shell\` in a terminal to get a prompt; the endpoints above are the ones it opens.`,
      );
      return 2;
    }
    write('\nA prompt opens on the endpoint you choose; leave it with exit (mariadb) or quit (redis-cli) to choose another. Quitting stops the engines.');
    const choose = options.choose ?? askWhich;
    const runClient = options.runClient ?? runClientInForeground;
    for (;;) {
      const which = await choose(targets);
      if (which === QUIT) return 0;
      const target = targets[which];
      write(`\n${target.label}: ${target.client} on ${target.endpoint.host}:${target.endpoint.port}`);
      await runClient(clientBinary(target.client), clientArgs(target));
    }
  } finally {
    await engines.stop();
    write(`The local engines of Lab ${lab.id} are stopped.`);
  }
}
