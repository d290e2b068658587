/**
 * Turns what the AWS SDK throws into one paragraph a learner can act on, with
 * the next step. The SDK's own errors name the wire error code (`name`), the
 * Node socket errors carry a `code`; nothing here ever prints a stack.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { EnvironmentError, KitError } from '../core/errors.js';
import { resolvedRegion, type AwsClients } from './clients.js';

export interface AwsCallContext {
  /** The IAM action of the call, e.g. `elasticache:DescribeReplicationGroups`. */
  action: string;
  region?: string;
  profile?: string;
  /** What was looked up, for "not found": kind for the sentence, id, and the flag that names it. */
  resource?: { kind: string; id: string; flag?: string };
  /** Set when the call was a CloudFormation stack read. */
  stackName?: string;
  /** How to deploy what is missing, e.g. `npm run deploy 5`. */
  deployCommand?: string;
}

export type AwsErrorKind = 'credentials' | 'expired' | 'access-denied' | 'not-found' | 'region' | 'network' | 'throttled' | 'unknown';

/** Regions the kit recognises; an ENOTFOUND for any other name means the region is mistyped. */
export const KNOWN_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
];

const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'TokenProviderError']);
const EXPIRED_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'UnauthorizedException']);
const NOT_FOUND_NAMES = new Set([
  'ReplicationGroupNotFoundFault',
  'CacheClusterNotFoundFault',
  'NodeGroupNotFoundFault',
  'DBInstanceNotFound',
  'DBInstanceNotFoundFault',
  'DBClusterNotFoundFault',
  'ResourceNotFoundException',
]);
const REGION_NAMES = new Set(['UnrecognizedClientException', 'InvalidClientTokenId']);
const THROTTLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'APICallRateForCustomerExceededFault',
]);
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'NetworkingError', 'RequestTimeoutException']);

interface ErrorFacts {
  name: string;
  code?: string;
  message: string;
  hostname?: string;
  httpStatus?: number;
}

/** Reads name, socket code, host and HTTP status from an error and its `cause` chain. */
function factsOf(err: unknown): ErrorFacts {
  const facts: ErrorFacts = { name: 'Error', message: '' };
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (typeof current !== 'object') {
      if (!facts.message) facts.message = String(current);
      break;
    }
    const e = current as Record<string, unknown>;
    if (depth === 0 && typeof e.name === 'string') facts.name = e.name;
    if (!facts.message && typeof e.message === 'string') facts.message = e.message;
    if (!facts.code && typeof e.code === 'string') facts.code = e.code;
    if (!facts.code && typeof e.Code === 'string') facts.code = e.Code;
    if (!facts.hostname && typeof e.hostname === 'string') facts.hostname = e.hostname;
    const meta = e.$metadata as { httpStatusCode?: number } | undefined;
    if (facts.httpStatus === undefined && meta?.httpStatusCode) facts.httpStatus = meta.httpStatusCode;
    current = e.cause;
  }
  if (typeof err === 'string') facts.message = err;
  return facts;
}

/** One line of an error's own text: no stack frames, no multi-line dumps, bounded length. */
export function errorSummary(err: unknown): string {
  const { message } = factsOf(err);
  const firstLine = message.split(/\r?\n/).find((l) => l.trim() && !/^\s+at\s/.test(l)) ?? '';
  const trimmed = firstLine.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed;
}

function isKnownRegion(region: string | undefined): boolean {
  return region !== undefined && KNOWN_REGIONS.includes(region);
}

export function classifyAwsError(err: unknown, region?: string): AwsErrorKind {
  const f = factsOf(err);
  const text = f.message;
  if (EXPIRED_NAMES.has(f.name) || (f.code && EXPIRED_NAMES.has(f.code))) return 'expired';
  if (/token (has|is) expired|session .*has expired|sso session .* expired|security token included in the request is expired/i.test(text)) return 'expired';
  if (CREDENTIAL_NAMES.has(f.name) || /could not load credentials|unable to locate credentials|profile .* could not be found/i.test(text)) return 'credentials';
  if (DENIED_NAMES.has(f.name) || (f.code && DENIED_NAMES.has(f.code)) || /is not authorized to perform/i.test(text)) return 'access-denied';
  if (REGION_NAMES.has(f.name) || (f.code && REGION_NAMES.has(f.code))) return 'region';
  if (/region is missing|invalid region|unresolved region/i.test(text)) return 'region';
  if (NOT_FOUND_NAMES.has(f.name) || (f.code && NOT_FOUND_NAMES.has(f.code))) return 'not-found';
  if (f.name === 'ValidationError' && /does not exist/i.test(text)) return 'not-found';
  if (THROTTLE_NAMES.has(f.name)) return 'throttled';
  const code = f.code ?? '';
  if (NETWORK_CODES.has(code) || NETWORK_NAMES.has(f.name) || /socket hang up|getaddrinfo|connect E[A-Z]+/i.test(text)) {
    if ((code === 'ENOTFOUND' || /getaddrinfo ENOTFOUND/.test(text)) && region && !isKnownRegion(region)) return 'region';
    return 'network';
  }
  return 'unknown';
}

/**
 * Whether a named profile is in the AWS CLI's config or credentials file
 * (honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). The SDK only
 * says "Could not load credentials from any providers" when it is not.
 */
export function profileExists(profile: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const files: Array<[string, (section: string) => boolean]> = [
    [
      env.AWS_CONFIG_FILE ?? path.join(homedir(), '.aws', 'config'),
      (s) => s === `profile ${profile}` || (profile === 'default' && s === 'default') || s === profile,
    ],
    [env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(homedir(), '.aws', 'credentials'), (s) => s === profile],
  ];
  for (const [file, matches] of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\s*\[([^\]]+)\]/gm)) {
      if (matches(m[1]!.trim().replace(/\s+/g, ' '))) return true;
    }
  }
  return false;
}

function where(ctx: AwsCallContext): string {
  const parts: string[] = [];
  if (ctx.region) parts.push(`region ${ctx.region}`);
  if (ctx.profile) parts.push(`profile "${ctx.profile}"`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function regionFlag(ctx: AwsCallContext): string {
  return ctx.region ? ` --region ${ctx.region}` : '';
}

function profileFlag(ctx: AwsCallContext): string {
  return ctx.profile ? ` --profile ${ctx.profile}` : '';
}

/**
 * Where the person can name a profile or a region. On the command line that is
 * --profile / --region; inside the lab menu there is no command line, so the
 * advice is to set them before starting the lab.
 */
let adviceFor: { menu: false } | { menu: true; labId: number } = { menu: false };

export function adviseForLabMenu(labId: number | undefined): void {
  adviceFor = labId === undefined ? { menu: false } : { menu: true, labId };
}

function otherProfileAdvice(): string {
  if (!adviceFor.menu) return 'or pass --profile <name> for a profile you already have';
  return `or, for a profile you already have, quit the menu and start the lab with it: \`AWS_PROFILE=<name> npm run lab ${adviceFor.labId}\``;
}

function setRegionAdvice(): string {
  if (!adviceFor.menu) return 'Pass --region <region> (the one you deployed to), or set it once with `aws configure set region <region>` or AWS_REGION.';
  return `Set it once with \`aws configure set region <region>\` (the one you deployed to), or quit the menu and start the lab with \`AWS_REGION=<region> npm run lab ${adviceFor.labId}\`.`;
}

/** No credentials: the first thing every AWS command asks for (a missing region is said with it, never before it). */
export function noCredentials(context: { action?: string; profile?: string; regionMissing?: boolean }): EnvironmentError {
  const call = context.action ? `Could not call ${context.action}: no` : 'No';
  const region = context.regionMissing ? ' No AWS region is set either.' : '';
  const nextStep =
    `Set up credentials with \`aws configure\` (access keys${context.regionMissing ? ' and a default region' : ''}) or \`aws configure sso\` and \`aws sso login\`, ` +
    `${otherProfileAdvice()}; \`aws sts get-caller-identity\` must print your account before the kit can use AWS.`;
  return new EnvironmentError(
    `${call} AWS credentials were found${context.profile ? ` (profile "${context.profile}")` : ''}. The kit uses the same credential chain as the AWS CLI (environment variables, ~/.aws/credentials, ~/.aws/config profiles including SSO).${region}`,
    nextStep,
  );
}

/** Told apart from other environment errors so the doctor can file it under the region, not the credentials. */
export class MissingRegionError extends EnvironmentError {}

export function noRegion(action?: string): EnvironmentError {
  return new MissingRegionError(
    `No AWS region is set, so the kit cannot tell where your resources are${action ? ` (calling ${action})` : ''}.`,
    setRegionAdvice(),
  );
}

/** The IAM action named in AWS's own message ("... is not authorized to perform: x:Y ..."), else the call's. */
function deniedAction(message: string, fallback: string): string {
  const m = /perform:\s*([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message);
  return m?.[1] ?? fallback;
}

function deniedPrincipal(message: string): string | undefined {
  const m = /User:\s*(arn:aws[a-z-]*:[^\s]+)/.exec(message);
  return m?.[1];
}

export function explainAwsError(err: unknown, context: AwsCallContext): EnvironmentError {
  if (err instanceof EnvironmentError) return err;
  if (err instanceof KitError) return new EnvironmentError(err.message, err.nextStep);
  const f = factsOf(err);
  const kind = classifyAwsError(err, context.region);
  const said = errorSummary(err);
  const call = context.action;
  const whereText = where(context);
  const check = `aws sts get-caller-identity${profileFlag(context)}${regionFlag(context)}`;

  switch (kind) {
    case 'credentials': {
      const profileMissing =
        context.profile !== undefined && ((/profile/i.test(said) && /could not be found|not found/i.test(said)) || !profileExists(context.profile));
      const message = profileMissing
        ? `Could not call ${call}: the AWS profile "${context.profile}" is not in ~/.aws/config or ~/.aws/credentials.`
        : `Could not call ${call}: no AWS credentials were found${whereText}. The kit uses the same credential chain as the AWS CLI (environment variables, ~/.aws/credentials, ~/.aws/config profiles including SSO).`;
      const nextStep =
        `Set up credentials with \`aws configure\` (access keys) or \`aws configure sso\` and \`aws sso login\`, ` +
        `${otherProfileAdvice()}; \`${check}\` must print your account before the checks can run.`;
      return new EnvironmentError(message, nextStep);
    }
    case 'expired': {
      const clockNote =
        f.name === 'RequestExpired'
          ? " RequestExpired also happens when this computer's clock is more than five minutes off: check it if fresh credentials do not help."
          : '';
      const message = `Your AWS session has expired (AWS said ${f.name === 'Error' ? 'the token is expired' : f.name}) while calling ${call}${whereText}.${clockNote}`;
      const nextStep = context.profile
        ? `Refresh the session with \`aws sso login --profile ${context.profile}\` (SSO profiles) or fetch new temporary keys for that profile, then re-run.`
        : `Refresh the session: \`aws sso login\` for SSO profiles, or get new temporary keys (re-run your assume-role or MFA step, or copy fresh keys from the access portal into the environment), then re-run.`;
      return new EnvironmentError(message, nextStep);
    }
    case 'access-denied': {
      const action = deniedAction(said, call);
      const principal = deniedPrincipal(said);
      const scp = /service control policy|explicit deny/i.test(said)
        ? ' AWS reports an explicit deny (for example a service control policy), so only an administrator can lift it.'
        : '';
      const message =
        `AWS refused ${call}${whereText}: the identity you are signed in as${principal ? ` (${principal})` : ''} ` +
        `is missing the IAM permission ${action}.${scp}`;
      const nextStep =
        `Ask whoever administers the account to allow \`${action}\` for this user or role ` +
        `(the kit's AWS checks read only; the whole list is the learner policy in docs/iam/learner-policy.json, ` +
        `e.g. rds:Describe*, elasticache:Describe*, cloudformation:DescribeStacks, cloudwatch:GetMetricData, pi:GetResourceMetrics), ` +
        `${otherProfileAdvice().replace('a profile you already have', 'a profile that has it')}.`;
      return new EnvironmentError(message, nextStep);
    }
    case 'not-found': {
      const regionHint = context.region
        ? `If it exists, it may be in another region than ${context.region}: pass --region <region>.`
        : 'If it exists, it may be in another region: pass --region <region>.';
      if (context.stackName || f.name === 'ValidationError') {
        const stack = context.stackName ?? 'the lab stack';
        const message = `CloudFormation has no stack named ${stack}${whereText}, so the kit cannot read the lab's resource names from its outputs.`;
        const deploy = context.deployCommand ?? 'npm run deploy <lab>';
        const flag = context.resource?.flag ?? '--replication-group <id>';
        const nextStep = `Deploy it with \`${deploy}\`, or, if you built the resources in the console, name them with flags such as \`${flag}\`. ${regionHint}`;
        return new EnvironmentError(message, nextStep);
      }
      const what = context.resource ? `${context.resource.kind} "${context.resource.id}"` : 'the resource';
      const message = `AWS has no ${what}${whereText} (${f.name}).`;
      const flagText = context.resource?.flag ? `Check the name and pass the right one with \`${context.resource.flag}\`` : 'Check the name you passed';
      const deployText = context.deployCommand ? `, or deploy the stack with \`${context.deployCommand}\`` : '';
      return new EnvironmentError(message, `${flagText}${deployText}. ${regionHint}`);
    }
    case 'region': {
      if (/region is missing/i.test(said) || (!context.region && !REGION_NAMES.has(f.name))) {
        return noRegion(call);
      }
      if (REGION_NAMES.has(f.name) || (f.code && REGION_NAMES.has(f.code))) {
        const message =
          `AWS did not recognise your credentials in ${context.region ? `region ${context.region}` : 'this region'} ` +
          `while calling ${call} (${f.name}). Either the access key is wrong, deleted or deactivated, or the region is an opt-in region ` +
          `that is not enabled for your account.`;
        const nextStep =
          `Run \`${check}\`; if it fails too, fix the keys (\`aws configure\`) or choose a region enabled on your account with --region ` +
          `(the one you deployed the lab to, e.g. --region us-east-1).`;
        return new EnvironmentError(message, nextStep);
      }
      const host = f.hostname ? ` (the endpoint ${f.hostname} does not exist)` : '';
      return new EnvironmentError(
        `"${context.region}" is not an AWS region${host}, so ${call} could not be sent.`,
        'Pass a real region with --region, e.g. --region us-east-1; `aws configure get region` shows the default of your profile.',
      );
    }
    case 'network': {
      const detail = [f.code, f.hostname].filter(Boolean).join(' for ') || f.name;
      return new EnvironmentError(
        `Could not reach AWS while calling ${call}${whereText}: ${detail}. The network, a VPN, a proxy or a firewall is in the way, or the connection timed out.`,
        `Check the internet connection (and HTTPS_PROXY if you use a proxy), then re-run; \`${check}\` is a quick test that AWS is reachable.`,
      );
    }
    case 'throttled':
      return new EnvironmentError(`AWS throttled ${call}${whereText} (${f.name}): too many calls in a short time.`, 'Wait a minute and re-run.');
    case 'unknown':
    default: {
      const text = said ? `${f.name}: ${said}` : f.name;
      return new EnvironmentError(
        `AWS call ${call}${whereText} failed: ${text}`,
        `Re-run; if it keeps failing, try \`${check}\` and the same call with the AWS CLI to see whether the problem is on this machine or in the account.`,
      );
    }
  }
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** Preflight: who the credentials belong to. Any failure comes back explained. */
export async function whoAmI(clients: AwsClients): Promise<CallerIdentity> {
  // The SDK refuses a call without a region before it looks for credentials; the kit asks in the other order.
  if ((await resolvedRegion(clients)) === undefined) {
    const missing = await clients.sts.config.credentials().then(
      () => undefined,
      (err: unknown) => err,
    );
    if (missing === undefined) throw noRegion('sts:GetCallerIdentity');
    if (clients.profile === undefined && classifyAwsError(missing) === 'credentials')
      throw noCredentials({ action: 'sts:GetCallerIdentity', regionMissing: true });
    throw explainAwsError(missing, { action: 'sts:GetCallerIdentity', profile: clients.profile });
  }
  try {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
  } catch (err) {
    const region = await resolvedRegion(clients);
    throw explainAwsError(err, { action: 'sts:GetCallerIdentity', region, profile: clients.profile });
  }
}
