/**
 * Finds every AWS API call the kit's source can make, and tells whether an
 * IAM policy document allows it. Used by iam-policy.test.ts; kept apart so the
 * scanner itself can be tested on made-up source snippets.
 *
 * What counts as a call:
 * - an SDK command class imported from `@aws-sdk/client-*` (static import,
 *   `export ... from`, or a destructured dynamic `await import(...)`), whether
 *   or not a `new` is in sight: importing a command is how code calls it;
 * - `new XxxCommand(` / `new ns.XxxCommand(` resolved through those imports
 *   (an unresolvable one is reported, never ignored);
 * - `paginateXxx` (calls Xxx) and `waitUntilXxx` waiters (mapped by WAITER_ACTIONS);
 * - AWS CLI invocations written as argument lists, e.g. `'ssm', 'start-session'`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** npm package suffix -> IAM service prefix. */
export const SERVICE_PREFIX: Record<string, string> = {
  'client-rds': 'rds',
  'client-elasticache': 'elasticache',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudformation': 'cloudformation',
  'client-secrets-manager': 'secretsmanager',
  'client-sts': 'sts',
  'client-ec2': 'ec2',
  'client-resource-groups-tagging-api': 'tag',
  'client-cloudwatch-logs': 'logs',
  'client-pi': 'pi',
  'client-ssm': 'ssm',
  'client-lambda': 'lambda',
};

/** SDK commands whose IAM action is not `<prefix>:<command name>`. */
export const COMMAND_ACTIONS: Record<string, string> = {
  'client-lambda:InvokeCommand': 'lambda:InvokeFunction',
};

/** AWS CLI service name -> IAM service prefix, for `aws <service> <operation>` argument lists. */
export const CLI_SERVICE_PREFIX: Record<string, string> = {
  ssm: 'ssm',
  rds: 'rds',
  elasticache: 'elasticache',
  cloudwatch: 'cloudwatch',
  cloudformation: 'cloudformation',
  secretsmanager: 'secretsmanager',
  sts: 'sts',
  ec2: 'ec2',
  resourcegroupstaggingapi: 'tag',
  logs: 'logs',
  pi: 'pi',
  lambda: 'lambda',
};

/** SDK waiters and the API they poll (only the ones the kit could plausibly use). */
export const WAITER_ACTIONS: Record<string, string> = {
  'client-cloudformation:waitUntilStackDeleteComplete': 'cloudformation:DescribeStacks',
  'client-cloudformation:waitUntilStackCreateComplete': 'cloudformation:DescribeStacks',
  'client-cloudformation:waitUntilStackUpdateComplete': 'cloudformation:DescribeStacks',
  'client-elasticache:waitUntilReplicationGroupAvailable': 'elasticache:DescribeReplicationGroups',
  'client-elasticache:waitUntilReplicationGroupDeleted': 'elasticache:DescribeReplicationGroups',
  'client-elasticache:waitUntilCacheClusterAvailable': 'elasticache:DescribeCacheClusters',
  'client-elasticache:waitUntilCacheClusterDeleted': 'elasticache:DescribeCacheClusters',
  'client-rds:waitUntilDBInstanceAvailable': 'rds:DescribeDBInstances',
  'client-rds:waitUntilDBInstanceDeleted': 'rds:DescribeDBInstances',
  'client-rds:waitUntilDBClusterAvailable': 'rds:DescribeDBClusters',
  'client-rds:waitUntilDBClusterDeleted': 'rds:DescribeDBClusters',
  'client-ec2:waitUntilInstanceRunning': 'ec2:DescribeInstances',
  'client-ec2:waitUntilInstanceTerminated': 'ec2:DescribeInstances',
};

export interface FoundCall {
  /** IAM action, e.g. `rds:DescribeDBInstances`. */
  action: string;
  /** Repository-relative file and what in it gave the call away. */
  file: string;
  evidence: string;
}

export interface ScanResult {
  calls: FoundCall[];
  /** Things that look like AWS calls but could not be mapped to an action: always a failure. */
  problems: string[];
}

const CLIENT_PACKAGE = /^@aws-sdk\/(client-[a-z0-9-]+)$/;

/** Block comments and whole-line `//` comments go; strings stay as they are. */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, '');
}

interface Binding {
  pkg: string;
  /** Exported name in the package. */
  name: string;
}

function specifiers(list: string, separator: RegExp): Array<{ name: string; local: string }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .filter((s) => !/^type\s/.test(s))
    .map((s) => {
      const [name, local] = s.split(separator).map((p) => p.trim());
      return { name: name!, local: local || name! };
    })
    .filter((s) => /^[A-Za-z_$][\w$]*$/.test(s.name) && /^[A-Za-z_$][\w$]*$/.test(s.local));
}

function actionFor(pkg: string, exported: string): string | undefined {
  const prefix = SERVICE_PREFIX[pkg];
  if (!prefix) return undefined;
  const renamed = COMMAND_ACTIONS[`${pkg}:${exported}`];
  if (renamed) return renamed;
  const command = /^([A-Z]\w*)Command$/.exec(exported);
  if (command) return `${prefix}:${command[1]}`;
  const paginator = /^paginate([A-Z]\w*)$/.exec(exported);
  if (paginator) return `${prefix}:${paginator[1]}`;
  return undefined;
}

function isCallName(exported: string): boolean {
  return /^[A-Z]\w*Command$/.test(exported) || /^paginate[A-Z]/.test(exported) || /^wait(Until|For)[A-Z]/.test(exported);
}

/** `start-session` -> `StartSession`. IAM action names are case-insensitive, so `DescribeDbInstances` is fine. */
export function pascalFromKebab(op: string): string {
  return op
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('');
}

/** Scans one file's text. `file` is only used in the report. */
export function scanSource(text: string, file: string): ScanResult {
  const source = stripComments(text);
  const calls: FoundCall[] = [];
  const problems: string[] = [];
  const locals = new Map<string, Binding>();
  const namespaces = new Map<string, string>();

  const bind = (pkgSpec: string, list: string, separator: RegExp, evidence: string) => {
    const pkg = CLIENT_PACKAGE.exec(pkgSpec)?.[1];
    if (!pkg) return;
    for (const { name, local } of specifiers(list, separator)) {
      if (!isCallName(name)) continue;
      locals.set(local, { pkg, name });
      record(pkg, name, `${evidence} ${name}`);
    }
  };
  const record = (pkg: string, name: string, evidence: string) => {
    if (!SERVICE_PREFIX[pkg]) {
      problems.push(`${file}: ${name} comes from @aws-sdk/${pkg}, which has no IAM prefix in SERVICE_PREFIX (add it, and the policy statements it needs)`);
      return;
    }
    if (/^wait(Until|For)[A-Z]/.test(name)) {
      const action = WAITER_ACTIONS[`${pkg}:${name}`];
      if (action) calls.push({ action, file, evidence });
      else problems.push(`${file}: waiter ${name} from @aws-sdk/${pkg} is not in WAITER_ACTIONS: add the API it polls`);
      return;
    }
    const action = actionFor(pkg, name);
    if (action) calls.push({ action, file, evidence });
  };

  // import { A, B as C, type D } from '@aws-sdk/client-x'  /  export { A } from '...'
  for (const m of source.matchAll(/\b(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (m[2]) continue; // import type { ... }
    bind(m[4]!, m[3]!, /\s+as\s+/, m[1] === 'import' ? 'imports' : 're-exports');
  }
  // import * as ns from '@aws-sdk/client-x'
  for (const m of source.matchAll(/\bimport\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from\s*['"]([^'"]+)['"]/g)) {
    const pkg = CLIENT_PACKAGE.exec(m[2]!)?.[1];
    if (pkg) namespaces.set(m[1]!, pkg);
  }
  // const { A, B: C } = await import('@aws-sdk/client-x')
  for (const m of source.matchAll(/\{([^{}]*)\}\s*=\s*(?:await\s+)?import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    bind(m[2]!, m[1]!, /\s*:\s*/, 'imports dynamically');
  }
  // const ns = await import('@aws-sdk/client-x')
  for (const m of source.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const pkg = CLIENT_PACKAGE.exec(m[2]!)?.[1];
    if (pkg) namespaces.set(m[1]!, pkg);
  }
  // (await import('@aws-sdk/client-x')).XCommand
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)\s*\)\s*\.\s*([A-Za-z_$][\w$]*)/g)) {
    const pkg = CLIENT_PACKAGE.exec(m[1]!)?.[1];
    if (pkg && isCallName(m[2]!)) record(pkg, m[2]!, `imports dynamically ${m[2]}`);
  }
  // ns.XCommand / ns.paginateX used through a namespace
  for (const [ns, pkg] of namespaces) {
    for (const m of source.matchAll(new RegExp(`\\b${ns.replace(/\$/g, '\\$')}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, 'g'))) {
      if (isCallName(m[1]!)) record(pkg, m[1]!, `uses ${ns}.${m[1]}`);
    }
  }
  // new XCommand( that no import explains
  for (const m of source.matchAll(/\bnew\s+([A-Za-z_$][\w$]*\s*\.\s*)?([A-Z]\w*Command)\s*\(/g)) {
    const qualifier = m[1]?.replace(/[\s.]/g, '');
    if (qualifier && namespaces.has(qualifier)) continue;
    if (!qualifier && locals.has(m[2]!)) continue;
    problems.push(
      `${file}: \`new ${qualifier ? `${qualifier}.` : ''}${m[2]}(\` is not imported from an @aws-sdk/client-* package the scanner understands: map it to its IAM action`,
    );
  }
  // AWS CLI argument lists: 'ssm', 'start-session'
  for (const m of source.matchAll(/['"`]([a-z0-9]+)['"`]\s*,\s*['"`]([a-z]+(?:-[a-z0-9]+)+)['"`]/g)) {
    const prefix = CLI_SERVICE_PREFIX[m[1]!];
    if (prefix) calls.push({ action: `${prefix}:${pascalFromKebab(m[2]!)}`, file, evidence: `runs \`aws ${m[1]} ${m[2]}\`` });
  }
  return { calls, problems };
}

function isSkipped(rel: string): boolean {
  const parts = rel.split(sep);
  return parts.includes('test') || parts.includes('fixtures') || parts.includes('node_modules');
}

function tsFiles(dir: string, root: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(root, full);
    if (isSkipped(rel)) continue;
    if (entry.isDirectory()) tsFiles(full, root, out);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Scans `checker/**\/*.ts` (tests and fixtures excluded) as the files are right now. */
export function scanChecker(repoRoot: string): ScanResult {
  const files = tsFiles(join(repoRoot, 'checker'), repoRoot);
  const calls: FoundCall[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const rel = relative(repoRoot, file).split(sep).join('/');
    const r = scanSource(readFileSync(file, 'utf8'), rel);
    calls.push(...r.calls);
    problems.push(...r.problems);
  }
  return { calls, problems };
}

// --- IAM policy evaluation (actions only) ---

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM action matching: case-insensitive, `*` any run of characters, `?` one character. */
export function actionMatches(pattern: string, action: string): boolean {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i').test(action);
}

function statementCovers(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => actionMatches(p, action));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => actionMatches(p, action));
  return false;
}

/** The Allow statements that grant `action` (on some resource, under their conditions). */
export function allowingStatements(policy: PolicyDocument, action: string): PolicyStatement[] {
  return policy.Statement.filter((s) => s.Effect === 'Allow' && statementCovers(s, action));
}

/** Allowed by some Allow statement and not denied outright by an unconditional Deny on every resource. */
export function isAllowed(policy: PolicyDocument, action: string): boolean {
  const denied = policy.Statement.some((s) => s.Effect === 'Deny' && !s.Condition && list(s.Resource).includes('*') && statementCovers(s, action));
  return !denied && allowingStatements(policy, action).length > 0;
}

/** Actions (sorted, unique) that no Allow statement of the policy grants. */
export function uncovered(policy: PolicyDocument, actions: Iterable<string>): string[] {
  return [...new Set(actions)].filter((a) => !isAllowed(policy, a)).sort();
}

/** One request to judge against a policy: the action, the resource ARN and the resource's tags. */
export interface PolicyRequest {
  action: string;
  resource: string;
  resourceTags?: Record<string, string>;
  /** Other condition keys of the request, e.g. `aws:RequestTag/...` or `iam:PassedToService`. */
  context?: Record<string, string>;
}

/** Case-sensitive ARN match with IAM's * and ? wildcards. */
function resourceMatches(pattern: string, arn: string): boolean {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`).test(arn);
}

/**
 * Whether a statement's Condition holds for the request. Only StringEquals and
 * StringLike are understood, on aws:ResourceTag/<key> (the resource's tags) or
 * any key of the request's context; any other operator, or a key the request
 * does not carry, makes the statement not apply, so the answer errs towards "denied".
 */
function conditionHolds(s: PolicyStatement, req: PolicyRequest): boolean {
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    if (operator !== 'StringEquals' && operator !== 'StringLike') return false;
    for (const [key, wanted] of Object.entries(keys)) {
      const tag = /^aws:ResourceTag\/(.+)$/.exec(key)?.[1];
      const value = tag ? req.resourceTags?.[tag] : req.context?.[key];
      if (value === undefined) return false;
      const ok = list(wanted).some((w) => (operator === 'StringEquals' ? w === value : resourceMatches(w, value)));
      if (!ok) return false;
    }
  }
  return true;
}

/** Allowed by an Allow statement whose action, resource and (understood) condition all match; no Deny considered beyond isAllowed's. */
export function allowsRequest(policy: PolicyDocument, req: PolicyRequest): boolean {
  return allowingStatements(policy, req.action).some((s) => list(s.Resource).some((r) => resourceMatches(r, req.resource)) && conditionHolds(s, req));
}
