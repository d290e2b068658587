/**
 * How the kit recognises its own resources in an account, without loading
 * aws-cdk-lib: the tags stacks/shared/secure-defaults.ts puts on everything,
 * and the naming convention of the lab stacks (`DataTierLabs-<NN>-<Name>`),
 * which CloudFormation carries into generated physical names. A test keeps
 * these equal to the stack code.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LabMeta } from './lab.js';

/** Same values as LAB_TAG_KEY and MANAGED_TAG_KEY in stacks/shared/secure-defaults.ts. */
export const KIT_LAB_TAG = 'data-tier-labs:lab';
export const KIT_MANAGED_TAG = 'data-tier-labs:managed';
/** Every lab stack name starts with this, followed by the two-digit lab id and a dash. */
export const KIT_STACK_PREFIX = 'DataTierLabs-';
/** Descriptions the stacks write on resources that carry no tags in Describe calls (replication groups). */
export const KIT_DESCRIPTION_PREFIX = 'Data Tier Labs';

export type TagMap = Record<string, string>;

export function tagMap(tags: Array<{ Key?: string; Value?: string }> | undefined): TagMap {
  const out: TagMap = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** How a resource was recognised as the kit's, and for which lab if that is known. */
export interface KitMatch {
  labId?: number;
  how: string;
}

const NAME_WITH_LAB = /datatierlabs-(\d{2})-/i;
const DESCRIPTION_WITH_LAB = /data tier labs,? lab (\d{1,2})\b/i;

/**
 * Whether tags or names (identifiers, descriptions) mark a resource as the
 * kit's. Tags win; then the `DataTierLabs-NN-` naming convention; then the
 * kit's description prefix.
 */
export function kitMatch(tags: TagMap | undefined, names: Array<string | undefined> = []): KitMatch | undefined {
  const labTag = tags?.[KIT_LAB_TAG];
  if (labTag !== undefined && /^\d{1,2}$/.test(labTag)) return { labId: Number(labTag), how: `tag ${KIT_LAB_TAG}=${labTag}` };
  if (tags?.[KIT_MANAGED_TAG] === 'true') return { how: `tag ${KIT_MANAGED_TAG}=true` };
  for (const name of names) {
    if (!name) continue;
    const m = NAME_WITH_LAB.exec(name);
    if (m) return { labId: Number(m[1]), how: `name ${name}` };
    const d = DESCRIPTION_WITH_LAB.exec(name);
    if (d) return { labId: Number(d[1]), how: `description "${name}"` };
    if (name.toLowerCase().includes(KIT_STACK_PREFIX.toLowerCase()) || name.startsWith(KIT_DESCRIPTION_PREFIX)) {
      return { how: `name ${name}` };
    }
  }
  return undefined;
}

/** A match counts when no lab filter is given, or when it names one of the labs asked for. */
export function matchesLabs(match: KitMatch | undefined, labIds: readonly number[] | undefined): match is KitMatch {
  if (!match) return false;
  if (!labIds) return true;
  return match.labId !== undefined && labIds.includes(match.labId);
}

export function readyLabs(all: readonly LabMeta[]): LabMeta[] {
  return all.filter((l) => l.status === 'ready');
}

/** Labs that deploy a stack (whatever their status), for name matching. */
export function labsWithStacks(all: readonly LabMeta[]): Array<LabMeta & { stack: NonNullable<LabMeta['stack']> }> {
  return all.filter((l): l is LabMeta & { stack: NonNullable<LabMeta['stack']> } => l.stack !== undefined);
}

/** Numeric, dot-separated comparison: "20.19.0" vs "20.9.1". Non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((x) => Number.parseInt(x, 10) || 0);
  const pb = b
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * True when the standard credential chain has something to find (environment,
 * ~/.aws files, web identity, container credentials). Mirrors the check in
 * checker/cli/targets.ts, with AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE honoured.
 */
export function credentialsConfigured(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return true;
  const config = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  return existsSync(config) || existsSync(credentials);
}

/** Quotes a word for a POSIX shell when it has anything beyond the safe characters. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._/:@=+,%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
