/** Who the results belong to: --learner, else git's user, else the login name. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';

function gitConfig(key: string): string | undefined {
  const out = spawnSync('git', ['config', '--get', key], { encoding: 'utf8' });
  const value = out.status === 0 ? out.stdout.trim() : '';
  return value || undefined;
}

export function learnerIdentity(flag?: string): { id: string; name?: string } {
  if (flag && flag.trim()) return { id: flag.trim() };
  const email = gitConfig('user.email');
  const name = gitConfig('user.name');
  if (email) return { id: email.split('@')[0], ...(name ? { name } : {}) };
  if (name) return { id: name.toLowerCase().replace(/\s+/g, '-'), name };
  let login = 'learner';
  try {
    login = userInfo().username || login;
  } catch {
    // no passwd entry (some containers)
  }
  return { id: login };
}

export function kitVersion(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}
