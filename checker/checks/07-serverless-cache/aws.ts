/**
 * Lab 7 on AWS, resource by resource: each check is a small function of the
 * facts read once (aws-facts.ts). `fail` names what is wrong and the value
 * seen; `error` means AWS could not be asked; `skipped` means what the check
 * needs is missing, and says which check explains why.
 *
 * Environment variable values are never shown (REDIS_URL holds the cache's
 * AUTH token, DB_PASSWORD the database password); only their names, and the TTL.
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { LAB07_DEPLOY, LAB07_ENVIRONMENT_KEYS } from './resources.js';
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { Lab07Facts, Read } from './aws-facts.js';

export const LAB07_AWS_CHECKS = {
  function: { id: '07.aws.function', name: 'The Lambda function exists and is active' },
  runtime: { id: '07.aws.runtime', name: 'Runtime is Node.js 22 on arm64 (Graviton)' },
  timeout: { id: '07.aws.timeout', name: 'Timeout outlasts an Aurora resume from pause (20 s or more)' },
  memory: { id: '07.aws.memory', name: 'Memory is 256 MB or more (CPU for TLS at init)' },
  vpc: { id: '07.aws.vpc', name: 'The function runs in the lab VPC, in subnets with no route out (no NAT)' },
  environment: { id: '07.aws.environment', name: 'The handler gets its settings (endpoints, TLS, credentials, TTL) from the environment' },
  cluster: { id: '07.aws.cluster', name: 'Aurora DB cluster exists and is available' },
  scaling: { id: '07.aws.scaling', name: 'Aurora Serverless v2 scales from 0 ACUs with auto-pause' },
  cache: { id: '07.aws.cache', name: 'The Valkey cache requires TLS and an AUTH token' },
  securityGroups: { id: '07.aws.security-groups', name: 'Security groups admit only the function and the bastion, never 0.0.0.0/0' },
  functionUser: { id: '07.aws.function-user', name: "The function's database user exists with the stack's password (created through the tunnel)" },
} as const;

export type Lab07AwsCheckKey = keyof typeof LAB07_AWS_CHECKS;

const { result, errorResult, skipped } = awsResultBuilders(LAB07_AWS_CHECKS);

export const MIN_TIMEOUT_SECONDS = 20;
export const MIN_MEMORY_MB = 256;
const RUNTIME = 'nodejs22.x';
const ARCHITECTURE = 'arm64';
const CONFIG_FILE = 'labs/07-serverless-cache/stack-config.ts';
const REDEPLOY = `\`${LAB07_DEPLOY}\``;

type Check = (facts: Lab07Facts) => CheckResult;

/** The value of a read, or the result that says why there is none. */
function need<T>(key: Lab07AwsCheckKey, r: Read<T>, missing: string, dependsOn: Lab07AwsCheckKey): { value: T } | { result: CheckResult } {
  if (r.ok) return { value: r.value };
  if (!r.missing)
    return { result: key === dependsOn ? errorResult(key, r.error) : skipped(key, `${missing} could not be read (see ${LAB07_AWS_CHECKS[dependsOn].id})`) };
  return { result: skipped(key, `${missing} was not found (see ${LAB07_AWS_CHECKS[dependsOn].id})`) };
}

export const functionCheck: Check = ({ fn, resources }) => {
  if (!fn.ok && fn.missing) {
    return result(
      'function',
      'fail',
      `There is no Lambda function "${resources.functionName}"${resources.region ? ` in ${resources.region}` : ''} although the stack ${resources.stackName} names it.`,
      `Deploy the lab stack again with ${REDEPLOY}.`,
    );
  }
  const got = need('function', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const c = got.value;
  if (c.State && c.State !== 'Active') {
    const why = c.StateReasonCode ? ` (${c.StateReasonCode}${c.StateReason ? `: ${c.StateReason}` : ''})` : '';
    return result(
      'function',
      'fail',
      `Function ${c.FunctionName} is ${c.State}${why}, not Active: it cannot be invoked now.`,
      c.State === 'Pending'
        ? 'Wait a minute (a function in a VPC is Pending while Lambda creates its network interfaces), then re-run.'
        : `Look at the reason above; deploying the stack again (${REDEPLOY}) recreates it.`,
    );
  }
  if (c.LastUpdateStatus === 'Failed') {
    return result(
      'function',
      'fail',
      `The last update of ${c.FunctionName} failed (${c.LastUpdateStatusReasonCode ?? 'no reason code'}): it runs the previous code or configuration.`,
      `Deploy again with ${REDEPLOY}.`,
    );
  }
  return result('function', 'pass', `Function ${c.FunctionName} is active.`);
};

export const runtimeCheck: Check = ({ fn }) => {
  const got = need('runtime', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const runtime = got.value.Runtime ?? (got.value.PackageType === 'Image' ? 'a container image' : 'unknown');
  const arch = got.value.Architectures ?? ['x86_64'];
  const wrong: string[] = [];
  if (runtime !== RUNTIME) wrong.push(`the runtime is ${runtime}, not ${RUNTIME}`);
  if (!arch.includes(ARCHITECTURE)) wrong.push(`the architecture is ${arch.join(', ')}, not ${ARCHITECTURE}: Graviton costs 20% less per GB-second`);
  if (wrong.length)
    return result('runtime', 'fail', `Function ${got.value.FunctionName}: ${wrong.join('; ')}.`, `The lab stack sets both; deploy it with ${REDEPLOY}.`);
  return result('runtime', 'pass', `${runtime} on ${ARCHITECTURE}.`);
};

export const timeoutCheck: Check = ({ fn }) => {
  const got = need('timeout', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const seconds = got.value.Timeout ?? 3;
  if (seconds >= MIN_TIMEOUT_SECONDS) return result('timeout', 'pass', `Timeout ${seconds} s: long enough for a paused cluster to answer (about 15 s).`);
  return result(
    'timeout',
    'fail',
    `Timeout is ${seconds} s: a paused Aurora Serverless v2 cluster takes about 15 s to answer its first connection, so the first request after a pause times out.`,
    `Set timeoutSeconds to 30 in ${CONFIG_FILE} and deploy again with ${REDEPLOY}.`,
  );
};

export const memoryCheck: Check = ({ fn }) => {
  const got = need('memory', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const mb = got.value.MemorySize ?? 128;
  if (mb >= MIN_MEMORY_MB) return result('memory', 'pass', `${mb} MB.`);
  return result(
    'memory',
    'fail',
    `Memory is ${mb} MB: Lambda gives CPU in proportion to memory (a full vCPU at 1,769 MB), so at ${mb} MB the TLS handshakes and the IAM token of a cold start take several times longer.`,
    `Set memoryMb to 512 in ${CONFIG_FILE} and deploy again with ${REDEPLOY}; a short invocation costs about the same, since it also runs faster.`,
  );
};

const isDefaultRoute = (cidr: string | undefined) => cidr === '0.0.0.0/0' || cidr === '::/0';

export const vpcCheck: Check = ({ fn, routes }) => {
  const got = need('vpc', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const vpc = got.value.VpcConfig;
  const subnets = vpc?.SubnetIds ?? [];
  if (!vpc?.VpcId || subnets.length === 0) {
    return result(
      'vpc',
      'fail',
      `Function ${got.value.FunctionName} is not attached to a VPC: it cannot reach the cluster or the cache, which have no public address.`,
      `Deploy the lab stack (${REDEPLOY}), which places it in the lab VPC's isolated subnets.`,
    );
  }
  if (!routes.ok) return routes.missing ? skipped('vpc', 'the route tables were not found') : errorResult('vpc', routes.error);
  const out = routes.value.flatMap((t) =>
    (t.Routes ?? [])
      .filter((r) => isDefaultRoute(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) && r.State !== 'blackhole')
      .map(
        (r) =>
          `${t.RouteTableId}: ${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock} -> ${r.NatGatewayId ?? r.GatewayId ?? r.TransitGatewayId ?? r.NetworkInterfaceId ?? 'a target'}`,
      ),
  );
  if (out.length > 0) {
    const nat = out.some((r) => r.includes('nat-'));
    return result(
      'vpc',
      'fail',
      `The function's subnets have a route out of the VPC (${out.join('; ')})${nat ? ': a NAT gateway bills about $0.045 an hour plus every GB it carries' : ''}. The function needs none: it talks only to the cluster and the cache inside the VPC.`,
      `Deploy the lab stack (${REDEPLOY}): its function sits in isolated subnets whose route tables hold only the local route.`,
    );
  }
  return result('vpc', 'pass', `In ${vpc.VpcId}, subnets ${subnets.join(', ')}: local routes only, no NAT.`);
};

export const environmentCheck: Check = ({ fn }) => {
  const got = need('environment', fn, 'the function', 'function');
  if ('result' in got) return got.result;
  const vars = got.value.Environment?.Variables ?? {};
  const missing = LAB07_ENVIRONMENT_KEYS.filter((k) => !vars[k]);
  const problems: string[] = [];
  if (missing.length) problems.push(`missing or empty: ${missing.join(', ')}`);
  const ttl = vars.CACHE_TTL_SECONDS;
  if (ttl !== undefined && !/^[1-9]\d*$/.test(ttl)) problems.push(`CACHE_TTL_SECONDS is "${ttl.slice(0, 20)}", not a whole number of seconds above 0`);
  if (vars.REDIS_URL && !vars.REDIS_URL.startsWith('rediss://'))
    problems.push('REDIS_URL does not start with rediss:// (TLS): the cache refuses plain-text connections');
  if (vars.DB_SSL !== undefined && vars.DB_SSL !== 'true') problems.push('DB_SSL is not "true": the cluster requires TLS (require_secure_transport)');
  if (got.value.Environment?.Error?.ErrorCode) problems.push(`Lambda could not decrypt the variables (${got.value.Environment.Error.ErrorCode})`);
  if (problems.length)
    return result(
      'environment',
      'fail',
      `The function's environment: ${problems.join('; ')}.`,
      `The stack sets every variable; deploy it with ${REDEPLOY}, and set cacheTtlSeconds in ${CONFIG_FILE}.`,
    );
  return result('environment', 'pass', `All ${LAB07_ENVIRONMENT_KEYS.length} settings are set; cached users live ${ttl} s.`);
};

export const clusterCheck: Check = ({ cluster, resources }) => {
  if (!cluster.ok && cluster.missing) {
    return result(
      'cluster',
      'fail',
      `There is no Aurora DB cluster "${resources.clusterId}"${resources.region ? ` in ${resources.region}` : ''}.`,
      `Deploy the lab stack with ${REDEPLOY}, or pass the cluster with --cluster <id>.`,
    );
  }
  const got = need('cluster', cluster, 'the DB cluster', 'cluster');
  if ('result' in got) return got.result;
  const status = got.value.Status ?? 'unknown';
  if (status === 'available') return result('cluster', 'pass', `DB cluster ${resources.clusterId} is available.`);
  return result(
    'cluster',
    'fail',
    `DB cluster ${resources.clusterId} has status "${status}", not "available".`,
    'Wait until it is available (RDS console or `aws rds describe-db-clusters`), then re-run.',
  );
};

export const scalingCheck: Check = ({ cluster, resources }) => {
  const got = need('scaling', cluster, 'the DB cluster', 'cluster');
  if ('result' in got) return got.result;
  const config = got.value.ServerlessV2ScalingConfiguration;
  const id = resources.clusterId;
  if (!config || config.MinCapacity === undefined) {
    return result(
      'scaling',
      'fail',
      `DB cluster ${id} has no Serverless v2 scaling configuration: its instances have a fixed size and bill every hour.`,
      `Deploy the lab stack (${REDEPLOY}): 0 to 2 ACUs, pausing after 5 idle minutes.`,
    );
  }
  const seen = `${config.MinCapacity}-${config.MaxCapacity} ACU${config.SecondsUntilAutoPause !== undefined ? `, pause after ${config.SecondsUntilAutoPause} s` : ''}`;
  if (config.MinCapacity !== 0) {
    return result(
      'scaling',
      'fail',
      `DB cluster ${id} scales from ${config.MinCapacity} ACU (${seen}): it never pauses and bills at least ${config.MinCapacity} ACU-hours every hour, even when nobody calls the function.`,
      `Set the minimum to 0 with auto-pause: \`aws rds modify-db-cluster --db-cluster-identifier ${id} --serverless-v2-scaling-configuration MinCapacity=0,MaxCapacity=2,SecondsUntilAutoPause=300 --apply-immediately\`, or deploy the lab stack.`,
    );
  }
  if (config.SecondsUntilAutoPause === undefined) {
    return result(
      'scaling',
      'fail',
      `DB cluster ${id} has a minimum of 0 ACUs but reports no auto-pause delay (${seen}).`,
      'Set SecondsUntilAutoPause (300 in the lab stack) with `aws rds modify-db-cluster`, or deploy the lab stack.',
    );
  }
  return result('scaling', 'pass', `Serverless v2, ${seen}.`);
};

export const cacheCheck: Check = ({ cache, resources }) => {
  const id = resources.replicationGroupId;
  if (!cache.ok && cache.missing) {
    return result(
      'cache',
      'fail',
      `There is no ElastiCache replication group "${id}"${resources.region ? ` in ${resources.region}` : ''}.`,
      `Deploy the lab stack with ${REDEPLOY}, or pass the cache with --replication-group <id>.`,
    );
  }
  const got = need('cache', cache, 'the replication group', 'cache');
  if ('result' in got) return got.result;
  const g = got.value;
  const wrong: string[] = [];
  if (g.TransitEncryptionEnabled !== true) wrong.push('TLS is off: the AUTH token and every cached user cross the network in plain text');
  else if (g.TransitEncryptionMode === 'preferred') wrong.push('TLS is only "preferred": plain-text connections are still accepted');
  if (g.AuthTokenEnabled !== true) wrong.push('no AUTH token is required: anything that reaches the port reads the cache');
  if (g.AtRestEncryptionEnabled !== true) wrong.push('encryption at rest is off');
  if (g.Status && g.Status !== 'available') wrong.push(`its status is "${g.Status}", not "available"`);
  if (wrong.length)
    return result(
      'cache',
      'fail',
      `Replication group ${id}: ${wrong.join('; ')}.`,
      `Encryption settings are chosen when a cache is created: destroy and deploy the lab stack (${REDEPLOY}).`,
    );
  return result('cache', 'pass', `${id}: TLS required, AUTH token on, encrypted at rest.`);
};

const openToWorld = (p: IpPermission) => (p.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0') || (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === '::/0');
const allowsGroup = (sg: SecurityGroup, source: string, port: number) =>
  (sg.IpPermissions ?? []).some(
    (p) =>
      (p.IpProtocol === '-1' || ((p.FromPort ?? 0) <= port && port <= (p.ToPort ?? 65535))) && (p.UserIdGroupPairs ?? []).some((g) => g.GroupId === source),
  );
const portsOf = (p: IpPermission) =>
  p.IpProtocol === '-1' ? 'all traffic' : p.FromPort === p.ToPort ? `port ${p.FromPort}` : `ports ${p.FromPort}-${p.ToPort}`;

export const securityGroupsCheck: Check = ({ fn, cluster, cacheNode, securityGroups }) => {
  if (!fn.ok) return skipped('securityGroups', `the function could not be read (see ${LAB07_AWS_CHECKS.function.id})`);
  if (!securityGroups.ok)
    return securityGroups.missing ? skipped('securityGroups', 'the security groups were not found') : errorResult('securityGroups', securityGroups.error);
  const byId = new Map((securityGroups.value ?? []).map((g) => [g.GroupId ?? '', g]));
  const fnGroups = fn.value.VpcConfig?.SecurityGroupIds ?? [];
  const dbGroups = cluster.ok ? (cluster.value.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '') : [];
  const cacheGroups = cacheNode.ok ? (cacheNode.value.SecurityGroups ?? []).map((g) => g.SecurityGroupId ?? '') : [];
  const problems: string[] = [];
  for (const id of [...new Set([...fnGroups, ...dbGroups, ...cacheGroups])]) {
    const sg = byId.get(id);
    if (!sg) continue;
    for (const p of sg.IpPermissions ?? []) if (openToWorld(p)) problems.push(`${id} admits ${portsOf(p)} from anywhere (0.0.0.0/0 or ::/0)`);
  }
  for (const id of fnGroups) {
    const sg = byId.get(id);
    if ((sg?.IpPermissions ?? []).length > 0)
      problems.push(`the function's group ${id} has inbound rules; a function is invoked through the Lambda API and needs none`);
    for (const p of sg?.IpPermissionsEgress ?? [])
      if (p.IpProtocol === '-1' && openToWorld(p))
        problems.push(`the function's group ${id} lets it send anything anywhere; the lab allows only 3306 and 6379`);
  }
  const reaches = (targets: string[], port: number) => targets.some((t) => byId.get(t) && fnGroups.some((f) => allowsGroup(byId.get(t)!, f, port)));
  if (dbGroups.length && !reaches(dbGroups, 3306))
    problems.push(`no group of the cluster (${dbGroups.join(', ')}) admits 3306 from the function's group: every database read times out`);
  if (cacheGroups.length && !reaches(cacheGroups, 6379))
    problems.push(`no group of the cache (${cacheGroups.join(', ')}) admits 6379 from the function's group: every cache call times out`);
  if (problems.length)
    return result(
      'securityGroups',
      'fail',
      `Security groups: ${problems.join('; ')}.`,
      `Allow traffic between security groups, never from an address range; the lab stack does (${REDEPLOY}).`,
    );
  return result(
    'securityGroups',
    'pass',
    `The cluster admits 3306 and the cache 6379 from the function's group ${fnGroups.join(', ')}; nothing is open to the internet.`,
  );
};

/** Every resource check, in the order they are shown. */
export const LAB07_RESOURCE_CHECKS: Check[] = [
  functionCheck,
  runtimeCheck,
  timeoutCheck,
  memoryCheck,
  vpcCheck,
  environmentCheck,
  clusterCheck,
  scalingCheck,
  cacheCheck,
  securityGroupsCheck,
];

/** Until the cluster is reached (aws-plan.ts `connected`), the function user cannot be checked. */
export const functionUserPending: Check = () =>
  skipped(
    'functionUser',
    'the cluster was not reached (it is private: run with --tunnel to reach it through the bastion)',
    'Run `npm run check -- 7 --target aws --tunnel`.',
  );

export function runLab07ResourceChecks(facts: Lab07Facts): CheckResult[] {
  return [...LAB07_RESOURCE_CHECKS, functionUserPending].map((check) => check(facts));
}

export const functionUserResult = result;
