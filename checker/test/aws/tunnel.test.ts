import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertTunnelTools,
  detectTunnelTools,
  explainSessionFailure,
  freeLocalPort,
  openTunnel,
  startSessionArgs,
  type CommandRunner,
  type Tunnel,
} from '../../aws/tunnel.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import { FIXTURES } from './wire-server.js';

const FAKE = [process.execPath, path.join(FIXTURES, 'fake-ssm-session.mjs')];
const BASTION = 'i-0a1b2c3d4e5f67890';

function runner(table: Record<string, { stdout?: string; stderr?: string; missing?: boolean }>): CommandRunner {
  return async (command) => {
    const r = table[command] ?? { missing: true };
    return { ok: !r.missing, stdout: r.stdout ?? '', stderr: r.stderr ?? '', notFound: Boolean(r.missing) };
  };
}

/** Alive and not a zombie (a killed grandchild may linger as one until it is reaped). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(predicate: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
}

function recordFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'fake-ssm-')), 'record.json');
}

const open: Tunnel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('tool detection', () => {
  it('finds AWS CLI v2 and the plugin', async () => {
    const tools = await detectTunnelTools(
      runner({
        aws: { stdout: 'aws-cli/2.31.4 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24' },
        'session-manager-plugin': { stdout: '1.2.707.0\n' },
      }),
    );
    expect(tools).toEqual({ awsCli: { found: true, version: '2.31.4' }, ssmPlugin: { found: true, version: '1.2.707.0' } });
  });

  it('reads an AWS CLI v1 version from stderr', async () => {
    const tools = await detectTunnelTools(runner({ aws: { stderr: 'aws-cli/1.18.69 Python/3.8.10' }, 'session-manager-plugin': { stdout: '1.2.0.0' } }));
    expect(tools.awsCli).toEqual({ found: true, version: '1.18.69' });
  });

  it('missing plugin on Linux: names the .deb/.rpm and the official install page', async () => {
    const run = runner({ aws: { stdout: 'aws-cli/2.31.4 Python/3.13.7' } });
    const err = (await assertTunnelTools({ run, platform: 'linux' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('the Session Manager plugin');
    expect(err.message).not.toContain('the AWS CLI (');
    expect(err.nextStep).toContain('session-manager-plugin.deb');
    expect(err.nextStep).toContain('session-manager-plugin.rpm');
    expect(err.nextStep).toContain('"Install the Session Manager plugin for the AWS CLI"');
  });

  it('both missing on macOS and on Windows: the installers for that OS', async () => {
    const run = runner({});
    const mac = (await assertTunnelTools({ run, platform: 'darwin' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(mac.message).toContain('the AWS CLI');
    expect(mac.message).toContain('the Session Manager plugin');
    expect(mac.nextStep).toContain('AWSCLIV2.pkg');
    expect(mac.nextStep).toContain('"Installing or updating to the latest version of the AWS CLI"');
    expect(mac.nextStep).toContain('Install the Session Manager plugin on macOS');
    const win = (await assertTunnelTools({ run, platform: 'win32' }).catch((e: unknown) => e)) as EnvironmentError;
    expect(win.nextStep).toContain('AWSCLIV2.msi');
    expect(win.nextStep).toContain('SessionManagerPluginSetup.exe');
  });

  it('passes when both are present', async () => {
    const run = runner({ aws: { stdout: 'aws-cli/2.31.4' }, 'session-manager-plugin': { stdout: '1.2.707.0' } });
    await expect(assertTunnelTools({ run })).resolves.toMatchObject({ ssmPlugin: { found: true } });
  });
});

describe('startSessionArgs', () => {
  it('builds the port-forwarding-to-remote-host command', () => {
    expect(
      startSessionArgs({
        bastionInstanceId: BASTION,
        remoteHost: 'master.dtl05.abc.use1.cache.amazonaws.com',
        remotePort: 6379,
        localPort: 16379,
        region: 'us-east-1',
        profile: 'lab',
      }),
    ).toEqual([
      'ssm',
      'start-session',
      '--target',
      BASTION,
      '--document-name',
      'AWS-StartPortForwardingSessionToRemoteHost',
      '--parameters',
      'host=master.dtl05.abc.use1.cache.amazonaws.com,portNumber=6379,localPortNumber=16379',
      '--region',
      'us-east-1',
      '--profile',
      'lab',
    ]);
  });
});

describe('openTunnel with a fake session command', () => {
  it('waits for the local port, passes the right arguments, and close() leaves no process behind', async () => {
    const rec = recordFile();
    const tunnel = await openTunnel({
      bastionInstanceId: BASTION,
      remoteHost: 'master.dtl05.abc.use1.cache.amazonaws.com',
      remotePort: 6379,
      region: 'us-east-1',
      profile: 'lab',
      command: FAKE,
      env: { ...process.env, FAKE_SSM_RECORD: rec },
      readyTimeoutMs: 5000,
    });
    open.push(tunnel);
    expect(await accepts(tunnel.localPort)).toBe(true);
    const { argv, pid, pluginPid } = JSON.parse(readFileSync(rec, 'utf8')) as { argv: string[]; pid: number; pluginPid: number };
    expect(argv).toEqual(
      startSessionArgs({
        bastionInstanceId: BASTION,
        remoteHost: 'master.dtl05.abc.use1.cache.amazonaws.com',
        remotePort: 6379,
        localPort: tunnel.localPort,
        region: 'us-east-1',
        profile: 'lab',
      }),
    );
    expect(isAlive(pid)).toBe(true);
    expect(isAlive(pluginPid)).toBe(true);

    await tunnel.close();
    // Both the CLI and the plugin it started are gone (the plugin held the port).
    expect(await waitFor(() => !isAlive(pid) && !isAlive(pluginPid))).toBe(true);
    await tunnel.close(); // idempotent
  });

  it('uses the local port it is given', async () => {
    const port = await freeLocalPort();
    const tunnel = await openTunnel({ bastionInstanceId: BASTION, remoteHost: 'db', remotePort: 3306, localPort: port, command: FAKE });
    open.push(tunnel);
    expect(tunnel.localPort).toBe(port);
  });

  it('a session that fails (TargetNotConnected) is explained', async () => {
    const err = (await openTunnel({
      bastionInstanceId: BASTION,
      remoteHost: 'db',
      remotePort: 3306,
      command: FAKE,
      env: { ...process.env, FAKE_SSM_MODE: 'target-not-connected' },
    }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain(`bastion ${BASTION} (TargetNotConnected)`);
    expect(err.nextStep).toContain('running');
  });

  it('a port that never opens times out with a clear error and kills the session', async () => {
    const rec = recordFile();
    const started = Date.now();
    const err = (await openTunnel({
      bastionInstanceId: BASTION,
      remoteHost: 'db',
      remotePort: 3306,
      command: FAKE,
      readyTimeoutMs: 600,
      env: { ...process.env, FAKE_SSM_MODE: 'never', FAKE_SSM_RECORD: rec },
    }).catch((e: unknown) => e)) as EnvironmentError;
    expect(Date.now() - started).toBeLessThan(4000);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toMatch(/did not open local port \d+ within 1 s/);
    const { pid, pluginPid } = JSON.parse(readFileSync(rec, 'utf8')) as { pid: number; pluginPid: number };
    expect(await waitFor(() => !isAlive(pid) && !isAlive(pluginPid))).toBe(true);
  });

  it('close() escalates to SIGKILL when the session ignores SIGTERM', async () => {
    const rec = recordFile();
    const tunnel = await openTunnel({
      bastionInstanceId: BASTION,
      remoteHost: 'db',
      remotePort: 3306,
      command: FAKE,
      killGraceMs: 200,
      env: { ...process.env, FAKE_SSM_MODE: 'stubborn', FAKE_SSM_RECORD: rec },
    });
    const { pid, pluginPid } = JSON.parse(readFileSync(rec, 'utf8')) as { pid: number; pluginPid: number };
    await tunnel.close();
    expect(await waitFor(() => !isAlive(pid) && !isAlive(pluginPid))).toBe(true);
  });

  it('refuses a local port already in use', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const err = await openTunnel({ bastionInstanceId: BASTION, remoteHost: 'db', remotePort: 3306, localPort: port, command: FAKE }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toContain(`Local port ${port} is already in use`);
    } finally {
      srv.close();
    }
  });

  it('refuses an id that is not an instance id, and explains a missing program', async () => {
    await expect(openTunnel({ bastionInstanceId: 'bastion', remoteHost: 'db', remotePort: 3306, command: FAKE })).rejects.toBeInstanceOf(UsageError);
    const err = (await openTunnel({
      bastionInstanceId: BASTION,
      remoteHost: 'db',
      remotePort: 3306,
      command: ['/nonexistent/bin/aws'],
      readyTimeoutMs: 2000,
    }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err.message).toContain('is not on your PATH');
  });
});

describe('explainSessionFailure', () => {
  const o = { bastionInstanceId: BASTION, localPort: 15000 };
  it.each([
    [
      'An error occurred (AccessDeniedException) when calling the StartSession operation: User: arn:aws:iam::1:user/x is not authorized to perform: ssm:StartSession',
      /ssm:StartSession/,
    ],
    ['SessionManagerPlugin is not found. Please refer to SessionManager Documentation here', /could not find the Session Manager plugin/],
    ['An error occurred (ExpiredTokenException) when calling the StartSession operation: The security token included in the request is expired', /credentials/],
    ['Cannot perform start session: listen tcp 127.0.0.1:15000: bind: address already in use', /Local port 15000 is already in use/],
    ['something else entirely', /stopped before it was ready: something else entirely/],
  ])('%s', (output, expected) => {
    expect(explainSessionFailure(output, o).message).toMatch(expected);
  });
});
