/**
 * The cache and the database live in private subnets. A learner reaches them
 * from the laptop through the bastion with Session Manager port forwarding:
 * `aws ssm start-session ... AWS-StartPortForwardingSessionToRemoteHost`.
 * This module checks the two tools it needs, starts the session as a child
 * process, waits for the local port, and kills the whole process group on
 * close (the AWS CLI starts session-manager-plugin as its own child).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { EnvironmentError, UsageError } from '../core/errors.js';

export interface RunOutput {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The program is not on PATH. */
  notFound: boolean;
}

export type CommandRunner = (command: string, args: string[]) => Promise<RunOutput>;

export const defaultRunner: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: 15_000, windowsHide: true }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ ok: !err, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), notFound: code === 'ENOENT' });
    });
  });

export interface ToolStatus {
  found: boolean;
  version?: string;
}

export interface TunnelTools {
  awsCli: ToolStatus;
  ssmPlugin: ToolStatus;
}

export async function detectTunnelTools(run: CommandRunner = defaultRunner): Promise<TunnelTools> {
  const [aws, plugin] = await Promise.all([run('aws', ['--version']), run('session-manager-plugin', ['--version'])]);
  // AWS CLI v2 prints "aws-cli/2.x.y Python/..." on stdout; v1 printed it on stderr.
  const awsText = `${aws.stdout}\n${aws.stderr}`;
  const awsVersion = /aws-cli\/(\d+\.\d+\.\d+)/.exec(awsText)?.[1];
  const pluginVersion = /(\d+\.\d+\.\d+(?:\.\d+)?)/.exec(`${plugin.stdout}\n${plugin.stderr}`)?.[1];
  return {
    awsCli: { found: !aws.notFound && Boolean(awsVersion), version: awsVersion },
    ssmPlugin: { found: !plugin.notFound && plugin.ok, version: pluginVersion },
  };
}

export const AWS_CLI_DOC =
  '"Installing or updating to the latest version of the AWS CLI" (AWS CLI User Guide, https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)';
const PLUGIN_DOC =
  '"Install the Session Manager plugin for the AWS CLI" (AWS Systems Manager User Guide, https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)';

/** What to install, for this operating system, in the words of the official install pages. */
export function installAdvice(tools: TunnelTools, platform: NodeJS.Platform = process.platform): string[] {
  const steps: string[] = [];
  if (!tools.awsCli.found) {
    const how =
      platform === 'darwin'
        ? 'on macOS run the AWSCLIV2.pkg installer (or `brew install awscli`)'
        : platform === 'win32'
          ? 'on Windows run the AWSCLIV2.msi installer'
          : 'on Linux download awscli-exe-linux-x86_64.zip (or -aarch64.zip on ARM), unzip it and run `sudo ./aws/install`';
    steps.push(`Install the AWS CLI version 2: ${how}; see ${AWS_CLI_DOC}.`);
  } else if (tools.awsCli.version?.startsWith('1.')) {
    steps.push(`Your AWS CLI is version ${tools.awsCli.version}; version 2 is recommended: see ${AWS_CLI_DOC}.`);
  }
  if (!tools.ssmPlugin.found) {
    const how =
      platform === 'darwin'
        ? 'on macOS install the signed installer or sessionmanager-bundle.zip (or `brew install --cask session-manager-plugin`), as in "Install the Session Manager plugin on macOS"'
        : platform === 'win32'
          ? 'on Windows run SessionManagerPluginSetup.exe, as in "Install the Session Manager plugin on Windows"'
          : 'on Debian/Ubuntu install session-manager-plugin.deb with `sudo dpkg -i session-manager-plugin.deb` ("Install the Session Manager plugin on Ubuntu Server and Debian Server"); on Amazon Linux, RHEL or Fedora install session-manager-plugin.rpm with `sudo yum install -y session-manager-plugin.rpm`';
    steps.push(`Install the Session Manager plugin: ${how}; see ${PLUGIN_DOC}.`);
  }
  return steps;
}

/** Detects both tools and throws one explanation listing everything that is missing. */
export async function assertTunnelTools(options: { run?: CommandRunner; platform?: NodeJS.Platform } = {}): Promise<TunnelTools> {
  const tools = await detectTunnelTools(options.run);
  if (tools.awsCli.found && tools.ssmPlugin.found) return tools;
  const missing = [
    tools.awsCli.found ? '' : 'the AWS CLI (`aws --version` did not run)',
    tools.ssmPlugin.found ? '' : 'the Session Manager plugin (`session-manager-plugin --version` did not run)',
  ]
    .filter(Boolean)
    .join(' and ');
  const advice = installAdvice(tools, options.platform ?? process.platform).filter((s) => !s.startsWith('Your AWS CLI'));
  throw new EnvironmentError(
    `The tunnel to the private cache and database needs ${missing}, which this computer does not have on its PATH.`,
    `${advice.join(' ')} Then open a new terminal and re-run.`,
  );
}

export interface TunnelOptions {
  profile?: string;
  region?: string;
  bastionInstanceId: string;
  remoteHost: string;
  remotePort: number;
  /** Local port to listen on; a free one is chosen when absent. */
  localPort?: number;
  /** The program and its leading arguments; default `['aws']`. Tests pass a fake. */
  command?: string[];
  /** How long to wait for the local port to accept connections; default 45 s. */
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on close; default 3 s. */
  killGraceMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface Tunnel {
  localPort: number;
  pid: number | undefined;
  close(): Promise<void>;
}

export function startSessionArgs(
  o: Pick<TunnelOptions, 'profile' | 'region' | 'bastionInstanceId' | 'remoteHost' | 'remotePort'> & { localPort: number },
): string[] {
  const args = [
    'ssm',
    'start-session',
    '--target',
    o.bastionInstanceId,
    '--document-name',
    'AWS-StartPortForwardingSessionToRemoteHost',
    '--parameters',
    `host=${o.remoteHost},portNumber=${o.remotePort},localPortNumber=${o.localPort}`,
  ];
  if (o.region) args.push('--region', o.region);
  if (o.profile) args.push('--profile', o.profile);
  return args;
}

/** A port nobody listens on right now, chosen by the OS. */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function accepts(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads what `aws ssm start-session` printed when it gave up and says what to do. */
export function explainSessionFailure(output: string, o: { bastionInstanceId: string; localPort: number; profile?: string }): EnvironmentError {
  const text = output.trim();
  const last = text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !/^\s+at\s/.test(l))
    .slice(-3)
    .join(' ')
    .slice(0, 400);
  if (/TargetNotConnected/i.test(text)) {
    return new EnvironmentError(
      `Session Manager cannot reach the bastion ${o.bastionInstanceId} (TargetNotConnected): it is stopped, still booting, or its SSM agent is not registered yet.`,
      'Check that the instance is running (EC2 console), wait two or three minutes after a deploy or a start, then re-run; `aws ssm describe-instance-information` lists the instances Session Manager can reach.',
    );
  }
  if (/SessionManagerPlugin is not found|session-manager-plugin/i.test(text) && /not found|not installed/i.test(text)) {
    return new EnvironmentError(
      'The AWS CLI could not find the Session Manager plugin, which the tunnel needs.',
      `Install it: see ${PLUGIN_DOC}. Then open a new terminal and re-run.`,
    );
  }
  if (/AccessDenied|not authorized to perform/i.test(text)) {
    return new EnvironmentError(
      `AWS refused to start a Session Manager session on ${o.bastionInstanceId}: your identity is missing the IAM permission ssm:StartSession (on the instance and on the document AWS-StartPortForwardingSessionToRemoteHost).`,
      'Ask whoever administers the account to allow ssm:StartSession and ssm:TerminateSession, or pass --profile for a profile that has them.',
    );
  }
  if (/ExpiredToken|token .*expired|Unable to locate credentials|could not be found/i.test(text)) {
    return new EnvironmentError(
      `The AWS CLI could not start the tunnel with your credentials: ${last}`,
      `Refresh or set up the credentials (\`aws sso login${o.profile ? ` --profile ${o.profile}` : ''}\` or \`aws configure\`), then re-run.`,
    );
  }
  if (/address already in use/i.test(text)) {
    return new EnvironmentError(
      `Local port ${o.localPort} is already in use, so the tunnel could not listen on it.`,
      'Stop whatever uses that port (an older tunnel?) or pass another one with --local-port.',
    );
  }
  return new EnvironmentError(
    `The Session Manager tunnel through ${o.bastionInstanceId} stopped before it was ready${last ? `: ${last}` : '.'}`,
    'Run the same `aws ssm start-session` command yourself to see the whole output; check the bastion is running and your profile and region are right.',
  );
}

/**
 * Kills the child and everything it started (its process group on POSIX, its
 * tree on Windows). `sync` is for the process 'exit' hook, where nothing
 * asynchronous runs any more.
 */
function killTree(child: ChildProcess, signal: NodeJS.Signals, sync = false): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (process.platform === 'win32') {
      const args = ['/pid', String(child.pid), '/T', '/F'];
      if (sync) execFileSync('taskkill', args, { windowsHide: true, stdio: 'ignore' });
      else execFile('taskkill', args, { windowsHide: true }, () => undefined);
    } else {
      process.kill(-child.pid, signal);
    }
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export async function openTunnel(options: TunnelOptions): Promise<Tunnel> {
  if (!/^(i|mi)-[0-9a-f]{8,17}$/.test(options.bastionInstanceId)) {
    throw new UsageError(
      `"${options.bastionInstanceId}" is not an EC2 instance id (they look like i-0123456789abcdef0).`,
      'Use the stack output BastionInstanceId, or the id shown in the EC2 console.',
    );
  }
  if (!Number.isInteger(options.remotePort) || options.remotePort <= 0 || options.remotePort > 65535) {
    throw new UsageError(`Remote port ${options.remotePort} is not a TCP port.`, 'Pass the port of the cache or database (6379, 3306).');
  }
  let localPort = options.localPort;
  if (localPort === undefined) {
    localPort = await freeLocalPort();
  } else if (!(await portIsFree(localPort))) {
    throw new UsageError(
      `Local port ${localPort} is already in use, so the tunnel cannot listen on it.`,
      'Stop whatever uses it (an older tunnel?) or choose another port with --local-port.',
    );
  }
  const [program, ...lead] = options.command ?? ['aws'];
  if (!program) throw new UsageError('The tunnel command is empty.');
  const args = [...lead, ...startSessionArgs({ ...options, localPort })];

  const child = spawn(program, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
    env: options.env ?? process.env,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  // No orphans: kill the session if this process exits or is interrupted while it is open.
  const onExit = () => killTree(child, 'SIGKILL', true);
  const onSignal = (signal: NodeJS.Signals) => {
    killTree(child, 'SIGTERM');
    detachHooks();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const detachHooks = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
  process.on('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      detachHooks();
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        killTree(child, 'SIGTERM');
        const grace = options.killGraceMs ?? 3000;
        const timedOut = await Promise.race([exited.then(() => false), delay(grace).then(() => true)]);
        if (timedOut) {
          killTree(child, 'SIGKILL');
          await Promise.race([exited, delay(2000)]);
        }
      }
      // The group may outlive its leader (the plugin under the CLI): make sure it is gone.
      if (process.platform !== 'win32' && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* group already empty */
        }
      }
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return closing;
  };

  const timeoutMs = options.readyTimeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  const failure = { bastionInstanceId: options.bastionInstanceId, localPort, profile: options.profile };
  while (true) {
    if (spawnError) {
      await close();
      if (spawnError.code === 'ENOENT') {
        throw new EnvironmentError(
          `Could not start \`${program}\`: it is not on your PATH.`,
          `Install the AWS CLI and the Session Manager plugin: see ${AWS_CLI_DOC} and ${PLUGIN_DOC}.`,
        );
      }
      throw new EnvironmentError(`Could not start \`${program}\`: ${spawnError.message}`, 'Check the AWS CLI installation, then re-run.');
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited;
      await close();
      throw explainSessionFailure(output, failure);
    }
    if (await accepts(localPort)) break;
    if (Date.now() >= deadline) {
      await close();
      throw new EnvironmentError(
        `The Session Manager tunnel to ${options.remoteHost}:${options.remotePort} through ${options.bastionInstanceId} did not open local port ${localPort} within ${Math.round(timeoutMs / 1000)} s.`,
        'Check that the bastion is running and reachable by Session Manager (`aws ssm describe-instance-information`), then re-run; run the `aws ssm start-session` command yourself to see its output.',
      );
    }
    await delay(150);
  }
  return { localPort, pid: child.pid, close };
}
