/**
 * `npm run doctor`: one line per thing the workshop needs, each with the fix.
 * The local part (Node, npm, engines, AWS CLI and Session Manager plugin) works
 * offline; the AWS part checks credentials, CDK bootstrap, and that every
 * ready lab's engine versions, instance classes and Availability Zones are on
 * offer in the region, read from the labs' `requires` metadata.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand, DescribeInstanceTypeOfferingsCommand } from '@aws-sdk/client-ec2';
import { DescribeCacheEngineVersionsCommand, DescribeReservedCacheNodesOfferingsCommand } from '@aws-sdk/client-elasticache';
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand } from '@aws-sdk/client-rds';
import { resolvedRegion } from '../aws/clients.js';
import { day, extendedSupportCost, majorVersionOf, readSupportDates, supportPhase } from '../aws/engine-lifecycle.js';
import { classifyAwsError, explainAwsError, MissingRegionError, whoAmI, type CallerIdentity } from '../aws/errors.js';
import { AWS_CLI_DOC, defaultRunner, detectTunnelTools, installAdvice, type CommandRunner } from '../aws/tunnel.js';
import { KitError } from '../core/errors.js';
import type { ElastiCacheRequirement, LabMeta, RdsRequirement } from '../core/lab.js';
import type { CheckResult, CheckStatus } from '../core/result.js';
import { INSTALL_HELP, locateEngineBinaries } from '../engines/binaries.js';
import { labs as allLabs } from '../../labs/index.js';
import { destroyOpsClients, makeOpsClients, type OpsClients } from './clients.js';
import { compareVersions, credentialsConfigured, readyLabs } from './kit.js';

/** Same floor as package.json `engines.node` (a test keeps them equal). */
export const MIN_NODE = '20.19.0';
/** npm 10 ships with every Node that passes MIN_NODE. */
export const MIN_NPM = '10.0.0';
/** The CDK bootstrap version the synthesised templates require (their CheckBootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;
export const CDK_TOOLKIT_STACK = 'CDKToolkit';
export const CDK_BOOTSTRAP_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

export interface DoctorOptions {
  /** Only the local part; no AWS call at all. */
  offline?: boolean;
  profile?: string;
  region?: string;
  /** Labs to check; default every `ready` lab in labs/index.ts. */
  labs?: readonly LabMeta[];
  /** Injected AWS clients (tests, or a caller that already has them); default built from profile/region. */
  clients?: OpsClients;
  /** Default process.versions.node. */
  nodeVersion?: string;
  /** Default: npm's user agent when run through npm, else `npm --version`. */
  npmVersion?: string;
  /** Runs `npm --version`, `aws --version`, `session-manager-plugin --version`. */
  run?: CommandRunner;
  /** Default locateEngineBinaries (throws an explained EnvironmentError when something is missing). */
  locateEngines?: typeof locateEngineBinaries;
  /** Default: environment variables or ~/.aws files are present. */
  credentialsConfigured?: boolean;
  platform?: NodeJS.Platform;
  /** The date engine support phases are judged at (tests); default now. */
  now?: Date;
  /** The two Availability Zones a deploy will name (`npm run deploy N -- --azs a,b`); default the first two Fn::GetAZs picks. */
  azs?: string[];
}

type Extra = Partial<Pick<CheckResult, 'hint' | 'group'>>;

function line(id: string, name: string, status: CheckStatus, message: string, extra: Extra = {}): CheckResult {
  return { id, name, status, message, durationMs: 0, ...extra };
}

function explainedHint(err: unknown): { message: string; hint?: string } {
  if (err instanceof KitError) return { message: err.message, hint: err.nextStep };
  return { message: err instanceof Error ? err.message : String(err) };
}

// ---------------------------------------------------------------- local part

export function checkNode(version: string = process.versions.node): CheckResult {
  const name = `Node.js ${version} (needs >= ${MIN_NODE})`;
  if (compareVersions(version, MIN_NODE) >= 0) return line('node', name, 'pass', `Node.js ${version} is new enough.`, { group: 'local' });
  return line('node', name, 'fail', `Node.js ${version} is older than ${MIN_NODE}, the oldest version the kit runs on.`, {
    group: 'local',
    hint: 'Install Node.js 22 LTS (or any version >= 20.19) from https://nodejs.org, or with nvm: `nvm install 22 && nvm use 22`; then run `npm ci` again.',
  });
}

async function npmVersionOf(options: DoctorOptions): Promise<string | undefined> {
  if (options.npmVersion !== undefined) return options.npmVersion || undefined;
  const agent = /\bnpm\/(\d+\.\d+\.\d+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
  if (agent) return agent;
  const run = options.run ?? defaultRunner;
  const out = await run((options.platform ?? process.platform) === 'win32' ? 'npm.cmd' : 'npm', ['--version']);
  return out.ok ? /(\d+\.\d+\.\d+)/.exec(out.stdout)?.[1] : undefined;
}

export async function checkNpm(options: DoctorOptions = {}): Promise<CheckResult> {
  const version = await npmVersionOf(options);
  if (!version) {
    return line('npm', 'npm', 'fail', '`npm --version` did not run: npm is not on the PATH.', {
      group: 'local',
      hint: 'npm comes with Node.js: reinstall Node.js 22 LTS from https://nodejs.org (or `nvm install 22`), then open a new terminal.',
    });
  }
  const name = `npm ${version} (needs >= ${MIN_NPM})`;
  if (compareVersions(version, MIN_NPM) >= 0) return line('npm', name, 'pass', `npm ${version} is new enough.`, { group: 'local' });
  return line('npm', name, 'fail', `npm ${version} is older than ${MIN_NPM}.`, {
    group: 'local',
    hint: 'Update it with `npm install -g npm@10` (or install Node.js 22 LTS, which brings a current npm).',
  });
}

export function checkLocalEngines(labs: readonly LabMeta[], locate: typeof locateEngineBinaries = locateEngineBinaries): CheckResult {
  const wanted = new Set(labs.flatMap((l) => l.requires?.localEngines ?? []));
  const need = { redis: wanted.has('redis'), mysql: wanted.has('mysql') };
  const names = [need.redis ? 'redis-server' : '', need.mysql ? 'mariadbd + mariadb-install-db' : ''].filter(Boolean).join(', ');
  if (!need.redis && !need.mysql) return line('local-engines', 'Local engines', 'skipped', 'No ready lab runs engines on this machine.', { group: 'local' });
  try {
    const found = locate(need);
    const where = [need.redis ? found.redisServer : '', need.mysql ? found.mariadbd : ''].filter(Boolean).join(', ');
    return line('local-engines', `Local engines (${names})`, 'pass', `Found ${where}; the local target starts private copies on loopback.`, { group: 'local' });
  } catch (err) {
    const { message, hint } = explainedHint(err);
    return line('local-engines', `Local engines (${names})`, 'fail', message, { group: 'local', hint: hint ?? INSTALL_HELP });
  }
}

export async function checkTunnelTools(options: DoctorOptions = {}): Promise<CheckResult[]> {
  const tools = await detectTunnelTools(options.run ?? defaultRunner);
  const advice = installAdvice(tools, options.platform ?? process.platform);
  const v1 = tools.awsCli.version?.startsWith('1.') === true;
  const cli = tools.awsCli.found
    ? line(
        'aws-cli',
        `AWS CLI ${tools.awsCli.version}`,
        'pass',
        v1
          ? `Found version ${tools.awsCli.version}: it can open the Session Manager tunnel, but version 2 is recommended (see ${AWS_CLI_DOC}).`
          : 'Found; it opens the Session Manager tunnel to the private cache and database.',
        { group: 'local' },
      )
    : line(
        'aws-cli',
        'AWS CLI',
        'fail',
        '`aws --version` did not run: the AWS CLI is not on the PATH. The tunnel to the private cache and database needs it.',
        {
          group: 'local',
          hint: advice.find((a) => a.includes('AWS CLI')),
        },
      );
  const plugin = tools.ssmPlugin.found
    ? line(
        'ssm-plugin',
        `Session Manager plugin ${tools.ssmPlugin.version ?? ''}`.trim(),
        'pass',
        'Found; `aws ssm start-session` can forward ports through the bastion.',
        { group: 'local' },
      )
    : line(
        'ssm-plugin',
        'Session Manager plugin',
        'fail',
        '`session-manager-plugin --version` did not run: the plugin is not on the PATH. The AWS CLI needs it for the tunnel.',
        {
          group: 'local',
          hint: advice.find((a) => a.includes('Session Manager')),
        },
      );
  return [cli, plugin];
}

// ---------------------------------------------------------------- AWS part

interface AwsContext {
  clients: OpsClients;
  region: string;
  profile?: string;
  /** The date support phases are judged at; default now. */
  now?: Date;
  azs?: string[];
}

function awsFailure(id: string, name: string, err: unknown, action: string, ctx: AwsContext, group: string): CheckResult {
  const e = explainAwsError(err, { action, region: ctx.region, profile: ctx.profile });
  return line(id, name, 'fail', e.message, { group, hint: e.nextStep });
}

export async function checkCdkBootstrap(ctx: AwsContext, account: string): Promise<CheckResult> {
  const name = `CDK bootstrap in ${ctx.region}`;
  const bootstrap = `cd stacks && npx cdk bootstrap aws://${account || '<account>'}/${ctx.region}${ctx.profile ? ` --profile ${ctx.profile}` : ''}`;
  try {
    const out = await ctx.clients.cloudformation.send(new DescribeStacksCommand({ StackName: CDK_TOOLKIT_STACK }));
    const stack = out?.Stacks?.[0];
    if (!stack) throw Object.assign(new Error(`Stack with id ${CDK_TOOLKIT_STACK} does not exist`), { name: 'ValidationError' });
    const status = stack.StackStatus ?? 'UNKNOWN';
    const version = Number(stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue);
    if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status)) {
      return line('cdk-bootstrap', name, 'fail', `The ${CDK_TOOLKIT_STACK} stack in ${ctx.region} is ${status}, so deploys cannot use it.`, {
        group: 'aws',
        hint: `Look at its events in the CloudFormation console, delete it if it is broken, then bootstrap again: \`${bootstrap}\`.`,
      });
    }
    if (Number.isFinite(version) && version < MIN_BOOTSTRAP_VERSION) {
      return line(
        'cdk-bootstrap',
        name,
        'fail',
        `${ctx.region} is bootstrapped with version ${version}; the lab stacks need version ${MIN_BOOTSTRAP_VERSION} or later.`,
        {
          group: 'aws',
          hint: `Upgrade it with \`${bootstrap}\` (it updates the ${CDK_TOOLKIT_STACK} stack in place).`,
        },
      );
    }
    const v = Number.isFinite(version) ? `version ${version}` : 'version unknown';
    return line('cdk-bootstrap', name, 'pass', `${CDK_TOOLKIT_STACK} stack is ${status} (${v}; deploys read ${CDK_BOOTSTRAP_PARAMETER}).`, { group: 'aws' });
  } catch (err) {
    if (classifyAwsError(err, ctx.region) === 'not-found') {
      return line(
        'cdk-bootstrap',
        name,
        'fail',
        `${ctx.region} is not bootstrapped for the CDK: there is no ${CDK_TOOLKIT_STACK} stack, so \`npm run deploy\` would fail.`,
        {
          group: 'aws',
          hint: `Bootstrap it once per account and region: \`${bootstrap}\` (it creates the ${CDK_TOOLKIT_STACK} stack: an S3 bucket, an ECR repository and deploy roles).`,
        },
      );
    }
    return awsFailure('cdk-bootstrap', name, err, 'cloudformation:DescribeStacks', ctx, 'aws');
  }
}

export async function checkAvailabilityZones(ctx: AwsContext, needed: number): Promise<CheckResult> {
  const name = `Availability Zones in ${ctx.region} (needs >= ${needed})`;
  try {
    const out = await ctx.clients.ec2.send(
      new DescribeAvailabilityZonesCommand({
        Filters: [
          { Name: 'zone-type', Values: ['availability-zone'] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );
    const zones = (out?.AvailabilityZones ?? []).filter((z) => (z.State ?? 'available') === 'available').map((z) => z.ZoneName ?? '?');
    if (zones.length >= needed) return line('azs', name, 'pass', `${zones.length} available: ${zones.join(', ')}.`, { group: 'aws' });
    return line(
      'azs',
      name,
      'fail',
      `${ctx.region} has ${zones.length} available Availability Zone${zones.length === 1 ? '' : 's'} (${zones.join(', ') || 'none'}); the labs spread subnets and replicas over ${needed} for Multi-AZ.`,
      {
        group: 'aws',
        hint: 'Use a region with at least two Availability Zones (any standard region, e.g. --region us-east-1 or --region eu-west-1).',
      },
    );
  } catch (err) {
    return awsFailure('azs', name, err, 'ec2:DescribeAvailabilityZones', ctx, 'aws');
  }
}

const labGroup = (lab: LabMeta) => `lab ${String(lab.id).padStart(2, '0')}`;
const labTag = (lab: LabMeta) => String(lab.id).padStart(2, '0');

export async function checkRdsEngineVersion(ctx: AwsContext, lab: LabMeta, req: RdsRequirement): Promise<CheckResult> {
  const id = `lab${labTag(lab)}-rds-${req.engine}-version`;
  const name = `RDS ${req.engine} ${req.engineVersion} offered in ${ctx.region}`;
  const list = `aws rds describe-db-engine-versions --engine ${req.engine} --query "DBEngineVersions[?Status=='available'].EngineVersion" --region ${ctx.region}`;
  try {
    const out = await ctx.clients.rds.send(new DescribeDBEngineVersionsCommand({ Engine: req.engine, EngineVersion: req.engineVersion }));
    const v = (out?.DBEngineVersions ?? []).find((e) => e.EngineVersion === req.engineVersion);
    if (v && (v.Status ?? 'available') === 'available') return await supportPhaseLine(ctx, lab, req, id, name);
    const why = v ? `is ${v.Status} in ${ctx.region}: new instances cannot use it` : `is not offered in ${ctx.region} (retired, or not yet released there)`;
    return line(id, name, 'fail', `Lab ${lab.id} pins ${req.engine} ${req.engineVersion}, which ${why}; the deploy would fail after several minutes.`, {
      group: labGroup(lab),
      hint: `Deploy to a region that offers it (--region), or move the pin (lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}) to an offered version: \`${list}\`.`,
    });
  } catch (err) {
    return awsFailure(id, name, err, 'rds:DescribeDBEngineVersions', ctx, labGroup(lab));
  }
}

/**
 * The pinned version is offered; is its major version still in standard
 * support (DescribeDBMajorEngineVersions)? Past it, every hour of the lab
 * costs Extended Support on top of the instance.
 */
async function supportPhaseLine(ctx: AwsContext, lab: LabMeta, req: RdsRequirement, id: string, name: string): Promise<CheckResult> {
  const major = majorVersionOf(req.engineVersion) ?? req.engineVersion;
  const offered = `RDS offers ${req.engine} ${req.engineVersion} in ${ctx.region}`;
  const dates = await readSupportDates(ctx.clients.rds, req.engine, major);
  const phase = supportPhase(dates.standardSupportEnds, dates.extendedSupportEnds, ctx.now ?? new Date());
  if (phase === 'standard')
    return line(id, name, 'pass', `${offered}; ${req.engine} ${major} is in standard support until ${day(dates.standardSupportEnds!)}.`, {
      group: labGroup(lab),
    });
  if (phase === 'unknown') return line(id, name, 'pass', `${offered} (RDS reported no support dates for ${req.engine} ${major}).`, { group: labGroup(lab) });
  return line(
    id,
    name,
    'fail',
    `Lab ${lab.id} pins ${req.engine} ${req.engineVersion}, but RDS ended standard support for ${req.engine} ${major} on ${day(dates.standardSupportEnds!)}: ` +
      `${phase === 'extended' ? 'the lab would run on paid Extended Support.' : 'Extended Support has ended too.'} ${extendedSupportCost(req.instanceClass)}`,
    {
      group: labGroup(lab),
      hint: `Move the pin (lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}) to a major version in standard support: \`aws rds describe-db-major-engine-versions --engine ${req.engine} --region ${ctx.region}\`.`,
    },
  );
}

export async function checkRdsInstanceClass(ctx: AwsContext, lab: LabMeta, req: RdsRequirement, minAzs: number): Promise<CheckResult> {
  const id = `lab${labTag(lab)}-rds-${req.instanceClass}`;
  const name = `RDS ${req.instanceClass} orderable for ${req.engine} ${req.engineVersion}${req.storageType ? ` with ${req.storageType}` : ''}`;
  const list =
    `aws rds describe-orderable-db-instance-options --engine ${req.engine} --engine-version ${req.engineVersion} ` +
    `--query "OrderableDBInstanceOptions[].[DBInstanceClass,StorageType]" --region ${ctx.region}`;
  try {
    const out = await ctx.clients.rds.send(
      new DescribeOrderableDBInstanceOptionsCommand({ Engine: req.engine, EngineVersion: req.engineVersion, DBInstanceClass: req.instanceClass, Vpc: true }),
    );
    const options = (out?.OrderableDBInstanceOptions ?? []).filter((o) => (o.DBInstanceClass ?? req.instanceClass) === req.instanceClass);
    const withStorage = req.storageType ? options.filter((o) => o.StorageType === req.storageType) : options;
    const azs = new Set(withStorage.flatMap((o) => (o.AvailabilityZones ?? []).map((z) => z.Name ?? '')).filter(Boolean));
    const hint = `Deploy to a region where it is orderable (--region), or change the class in the lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}; orderable classes: \`${list}\`.`;
    if (options.length === 0) {
      return line(
        id,
        name,
        'fail',
        `RDS cannot create a ${req.instanceClass} ${req.engine} ${req.engineVersion} instance in ${ctx.region}: the instance class is not orderable there.`,
        {
          group: labGroup(lab),
          hint,
        },
      );
    }
    if (withStorage.length === 0) {
      return line(id, name, 'fail', `${req.instanceClass} is orderable in ${ctx.region}, but not with ${req.storageType} storage, which the stack asks for.`, {
        group: labGroup(lab),
        hint,
      });
    }
    if (azs.size > 0 && azs.size < minAzs) {
      return line(
        id,
        name,
        'fail',
        `${req.instanceClass} is orderable in only ${azs.size} Availability Zone${azs.size === 1 ? '' : 's'} of ${ctx.region} (${[...azs].join(', ')}); the lab needs ${minAzs}.`,
        {
          group: labGroup(lab),
          hint,
        },
      );
    }
    const where = azs.size > 0 ? ` in ${azs.size} Availability Zones` : '';
    return line(id, name, 'pass', `Orderable in ${ctx.region}${where}.`, { group: labGroup(lab) });
  } catch (err) {
    return awsFailure(id, name, err, 'rds:DescribeOrderableDBInstanceOptions', ctx, labGroup(lab));
  }
}

const NOT_OFFERED = new Set(['InvalidParameterValue', 'InvalidParameterValueException', 'InvalidParameterCombination', 'InvalidParameterCombinationException']);

export async function checkCacheEngineVersion(ctx: AwsContext, lab: LabMeta, req: ElastiCacheRequirement): Promise<CheckResult> {
  const id = `lab${labTag(lab)}-elasticache-${req.engine}-version`;
  const name = `ElastiCache ${req.engine} ${req.engineVersion} offered in ${ctx.region}`;
  const list = `aws elasticache describe-cache-engine-versions --engine ${req.engine} --query "CacheEngineVersions[].[EngineVersion,CacheParameterGroupFamily]" --region ${ctx.region}`;
  const hint = `Deploy to a region that offers it (--region), or move the pin (lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}) to an offered version: \`${list}\`.`;
  try {
    const out = await ctx.clients.elasticache.send(new DescribeCacheEngineVersionsCommand({ Engine: req.engine, EngineVersion: req.engineVersion }));
    const versions = (out?.CacheEngineVersions ?? []).filter(
      (v) => v.EngineVersion === req.engineVersion || v.EngineVersion?.startsWith(`${req.engineVersion}.`),
    );
    if (versions.length === 0) {
      return line(
        id,
        name,
        'fail',
        `Lab ${lab.id} pins ${req.engine} ${req.engineVersion}, which ElastiCache does not offer in ${ctx.region}; the deploy would fail.`,
        { group: labGroup(lab), hint },
      );
    }
    const family = versions[0]?.CacheParameterGroupFamily;
    if (req.parameterGroupFamily && family && family !== req.parameterGroupFamily) {
      return line(
        id,
        name,
        'fail',
        `${req.engine} ${req.engineVersion} belongs to the parameter group family ${family} in ${ctx.region}, but the stack names default.${req.parameterGroupFamily}.`,
        {
          group: labGroup(lab),
          hint,
        },
      );
    }
    const newer = await newerCacheMajors(ctx, req);
    const note = newer.length
      ? ` Newer ${req.engine} versions on offer: ${newer.join(', ')} (the lab stays on ${req.engineVersion}; the lesson says why).`
      : '';
    return line(id, name, 'pass', `ElastiCache offers ${req.engine} ${req.engineVersion}${family ? ` (family ${family})` : ''} in ${ctx.region}.${note}`, {
      group: labGroup(lab),
    });
  } catch (err) {
    const errName = (err as { name?: string }).name ?? '';
    if (NOT_OFFERED.has(errName)) {
      return line(id, name, 'fail', `ElastiCache rejected ${req.engine} ${req.engineVersion} in ${ctx.region} (${errName}): it is not offered there.`, {
        group: labGroup(lab),
        hint,
      });
    }
    return awsFailure(id, name, err, 'elasticache:DescribeCacheEngineVersions', ctx, labGroup(lab));
  }
}

/**
 * Versions of a later major line than the pin that ElastiCache offers
 * (DescribeCacheEngineVersions lists what is on offer; it has no lifecycle
 * dates). Informational: a failed lookup lists nothing.
 */
async function newerCacheMajors(ctx: AwsContext, req: ElastiCacheRequirement): Promise<string[]> {
  try {
    const out = await ctx.clients.elasticache.send(new DescribeCacheEngineVersionsCommand({ Engine: req.engine }));
    const pinnedMajor = Number(req.engineVersion.split('.')[0]);
    const versions = (out?.CacheEngineVersions ?? []).map((v) => v.EngineVersion ?? '').filter((v) => Number(v.split('.')[0]) > pinnedMajor);
    return [...new Set(versions)].sort((a, b) => compareVersions(a, b));
  } catch {
    return [];
  }
}

/**
 * ElastiCache has no orderable-options API. A node type on sale in a region
 * has reserved-node offerings there, so DescribeReservedCacheNodesOfferings
 * filtered on the node type is the check: no offering, no such node type.
 */
export async function checkCacheNodeType(ctx: AwsContext, lab: LabMeta, req: ElastiCacheRequirement): Promise<CheckResult> {
  const id = `lab${labTag(lab)}-elasticache-${req.nodeType}`;
  const name = `ElastiCache ${req.nodeType} offered in ${ctx.region}`;
  try {
    const out = await ctx.clients.elasticache.send(new DescribeReservedCacheNodesOfferingsCommand({ CacheNodeType: req.nodeType, MaxRecords: 20 }));
    const offerings = out?.ReservedCacheNodesOfferings ?? [];
    if (offerings.length > 0) {
      return line(
        id,
        name,
        'pass',
        `${req.nodeType} is on sale in ${ctx.region} (it has reserved-node offerings; ElastiCache has no orderable-options API, so this is how node types are checked).`,
        {
          group: labGroup(lab),
        },
      );
    }
    return line(
      id,
      name,
      'fail',
      `ElastiCache does not sell ${req.nodeType} in ${ctx.region}: the region has no offering for that node type (ElastiCache has no orderable-options API; reserved-node offerings list the node types on sale).`,
      {
        group: labGroup(lab),
        hint:
          `Deploy to a region that has it (--region), or change the node type in the lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}; ` +
          `node types on sale: \`aws elasticache describe-reserved-cache-nodes-offerings --query "ReservedCacheNodesOfferings[].CacheNodeType" --region ${ctx.region}\`.`,
      },
    );
  } catch (err) {
    const errName = (err as { name?: string }).name ?? '';
    if (NOT_OFFERED.has(errName)) {
      return line(id, name, 'fail', `ElastiCache rejected the node type ${req.nodeType} in ${ctx.region} (${errName}).`, {
        group: labGroup(lab),
        hint: `Deploy to a region that has it (--region), or change the node type in the lab metadata \`requires\` and ${lab.stack?.file ?? 'the stack'}.`,
      });
    }
    return awsFailure(id, name, err, 'elasticache:DescribeReservedCacheNodesOfferings', ctx, labGroup(lab));
  }
}

/** The lab bastion's instance type (stacks/shared/bastion.ts; a stack test keeps the two equal). */
export const BASTION_INSTANCE_TYPE = 't4g.nano';

async function availableZones(ctx: AwsContext): Promise<string[]> {
  const out = await ctx.clients.ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: 'zone-type', Values: ['availability-zone'] },
        { Name: 'state', Values: ['available'] },
      ],
    }),
  );
  return (out?.AvailabilityZones ?? [])
    .filter((z) => (z.State ?? 'available') === 'available')
    .map((z) => z.ZoneName ?? '')
    .filter(Boolean)
    .sort();
}

/**
 * The two zones the stack will use (the ones `--azs` names, else the first
 * two alphabetically, which is what Fn::GetAZs hands the stack) must each
 * offer the bastion's instance type (ec2:DescribeInstanceTypeOfferings) and
 * every DB class of the lab (rds:DescribeOrderableDBInstanceOptions). When
 * they do not, the line names two zones that do, as the --azs value.
 */
export async function checkLabAzs(ctx: AwsContext, lab: LabMeta): Promise<CheckResult | undefined> {
  const req = lab.requires;
  if (!req || (!req.tunnel && req.rds.length === 0)) return undefined;
  const id = `lab${labTag(lab)}-azs`;
  const name = `Lab ${lab.id}'s two Availability Zones offer what it needs`;
  try {
    const zones = await availableZones(ctx);
    const chosen = ctx.azs ?? zones.slice(0, 2);
    const needs: Array<{ what: string; zones: Set<string> }> = [];
    if (req.tunnel) {
      const out = await ctx.clients.ec2.send(
        new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: [BASTION_INSTANCE_TYPE] }] }),
      );
      needs.push({ what: `${BASTION_INSTANCE_TYPE} (bastion)`, zones: new Set((out?.InstanceTypeOfferings ?? []).map((o) => o.Location ?? '')) });
    }
    for (const r of req.rds) {
      const out = await ctx.clients.rds.send(
        new DescribeOrderableDBInstanceOptionsCommand({ Engine: r.engine, EngineVersion: r.engineVersion, DBInstanceClass: r.instanceClass, Vpc: true }),
      );
      const options = (out?.OrderableDBInstanceOptions ?? []).filter((o) => !r.storageType || o.StorageType === r.storageType);
      needs.push({ what: `${r.instanceClass} (${r.engine})`, zones: new Set(options.flatMap((o) => (o.AvailabilityZones ?? []).map((z) => z.Name ?? ''))) });
    }
    const gaps = chosen.flatMap((z) => needs.filter((n) => !n.zones.has(z)).map((n) => `${z} does not offer ${n.what}`));
    const all = needs.map((n) => n.what).join(' and ');
    const how = ctx.azs ? 'the zones you named with --azs' : 'the first two zones of the region, which the stack uses unless told otherwise';
    if (gaps.length === 0) return line(id, name, 'pass', `${chosen.join(' and ')} (${how}) both offer ${all}.`, { group: labGroup(lab) });
    const fitting = zones.filter((z) => needs.every((n) => n.zones.has(z)));
    const hint =
      fitting.length >= 2
        ? `Name two zones that offer everything: \`npm run deploy ${lab.id} -- --azs ${fitting.slice(0, 2).join(',')}\` (CDK context azs=${fitting.slice(0, 2).join(',')}).`
        : `Only ${fitting.length === 1 ? fitting[0] : 'no zone'} of ${ctx.region} offers everything the lab needs; deploy to another region (--region).`;
    return line(id, name, 'fail', `${gaps.join('; ')}: the deploy would fail in that zone. Checked ${how} (${chosen.join(', ')}).`, {
      group: labGroup(lab),
      hint,
    });
  } catch (err) {
    return awsFailure(id, name, err, 'ec2:DescribeInstanceTypeOfferings', ctx, labGroup(lab));
  }
}

export async function labRegionChecks(ctx: AwsContext, lab: LabMeta): Promise<CheckResult[]> {
  const req = lab.requires;
  if (!req) return [];
  const minAzs = req.minAvailabilityZones;
  const checks: Array<Promise<CheckResult | undefined>> = [];
  for (const r of req.rds) checks.push(checkRdsEngineVersion(ctx, lab, r), checkRdsInstanceClass(ctx, lab, r, minAzs));
  for (const e of req.elasticache) checks.push(checkCacheEngineVersion(ctx, lab, e), checkCacheNodeType(ctx, lab, e));
  const azs = checkLabAzs(ctx, lab);
  return (await Promise.all([...checks, azs])).filter((r): r is CheckResult => r !== undefined);
}

async function awsPart(options: DoctorOptions, labs: readonly LabMeta[]): Promise<CheckResult[]> {
  const offline = options.offline === true;
  const configured = options.credentialsConfigured ?? (options.profile !== undefined || credentialsConfigured());
  if (offline) {
    return [
      line(
        'aws',
        'AWS',
        'skipped',
        'AWS part skipped: --offline (no AWS call was made; run without --offline to check credentials, bootstrap and the region).',
        { group: 'aws' },
      ),
    ];
  }
  if (!configured) {
    return [
      line(
        'aws',
        'AWS',
        'skipped',
        'AWS part skipped: no credentials are configured. The local target needs none; to deploy, set them up with `aws configure` or `aws configure sso` and run the doctor again.',
        {
          group: 'aws',
        },
      ),
    ];
  }
  const clients = options.clients ?? makeOpsClients({ profile: options.profile, region: options.region });
  try {
    const region = options.region ?? (await resolvedRegion(clients));
    let me: CallerIdentity;
    try {
      me = await whoAmI(clients);
    } catch (err) {
      if (err instanceof MissingRegionError) return [line('aws-region', 'AWS region', 'fail', err.message, { group: 'aws', hint: err.nextStep })];
      const kind = classifyAwsError(err, region);
      const { message, hint } = explainedHint(err);
      // Nothing to find (and no profile asked for): the same as not configured.
      // whoAmI hands back an explained error, so its sentence says which case it was.
      if (options.profile === undefined && (kind === 'credentials' || /no AWS credentials were found/.test(message))) {
        return [line('aws', 'AWS', 'skipped', `AWS part skipped: no credentials. ${message}`, { group: 'aws', hint })];
      }
      return [line('aws-credentials', 'AWS credentials', 'fail', message, { group: 'aws', hint })];
    }
    if (!region) {
      return [
        line('aws-credentials', `AWS credentials (account ${me.account})`, 'pass', `Signed in as ${me.arn}.`, { group: 'aws' }),
        line('aws-region', 'AWS region', 'fail', 'No AWS region is set, so the doctor cannot check where the labs would deploy.', {
          group: 'aws',
          hint: 'Pass --region <region>, or set it once with `aws configure set region <region>` or AWS_REGION.',
        }),
      ];
    }
    const ctx: AwsContext = { clients, region, profile: options.profile, now: options.now, azs: options.azs };
    const first = line('aws-credentials', `AWS credentials: account ${me.account}, region ${region}`, 'pass', `Signed in as ${me.arn}.`, { group: 'aws' });
    const minAzs = Math.max(0, ...labs.map((l) => l.requires?.minAvailabilityZones ?? 0));
    const [bootstrap, azs, ...perLab] = await Promise.all([
      checkCdkBootstrap(ctx, me.account),
      minAzs > 0 ? checkAvailabilityZones(ctx, minAzs) : Promise.resolve(undefined),
      ...labs.map((l) => labRegionChecks(ctx, l)),
    ]);
    return [first, bootstrap as CheckResult, ...(azs ? [azs as CheckResult] : []), ...(perLab as CheckResult[][]).flat()];
  } finally {
    if (!options.clients) destroyOpsClients(clients);
  }
}

/**
 * Every doctor line, local part first. Never throws for an environment
 * problem: each becomes a failing line with its fix. The deploy command can
 * run it first with `{ labs: [lab] }` and stop when any line fails.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<CheckResult[]> {
  const labs = options.labs ?? readyLabs(allLabs);
  const needsTunnel = labs.some((l) => l.requires?.tunnel);
  const [npm, tunnel, aws] = await Promise.all([
    checkNpm(options),
    needsTunnel ? checkTunnelTools(options) : Promise.resolve([] as CheckResult[]),
    awsPart(options, labs),
  ]);
  return [
    checkNode(options.nodeVersion),
    npm,
    checkLocalEngines(labs, options.locateEngines),
    ...(options.offline ? tunnel.map(notJudgedOffline) : tunnel),
    ...aws,
  ];
}

/**
 * Offline, the doctor judges what local work needs. The tunnel tools matter
 * only for the AWS target, so a missing one is listed (with its install hint)
 * but fails nothing.
 */
function notJudgedOffline(result: CheckResult): CheckResult {
  if (result.status !== 'fail') return result;
  return { ...result, status: 'skipped', message: `${result.message} Local work does not need it; install it before you use the AWS target.` };
}

/** 0 when nothing failed, 1 when a line failed (or could not be judged). */
export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}
