/**
 * What in a synthesised CloudFormation template would outlive `cdk destroy`:
 * retained or snapshotted resources, deletion protection, final snapshots,
 * retained automated backups, and log groups CloudFormation does not own.
 * Used by stacks/test/teardown-policies.test.ts over every stack the app builds.
 */

export interface CfnTemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnTemplateResource>;
}

export interface PolicyViolation {
  stack: string;
  logicalId: string;
  type: string;
  problem: string;
}

/** Policies that leave the resource (or a snapshot of it) behind. */
const KEEPING_POLICIES = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

const isTrue = (v: unknown) => v === true || v === 'true';
const isFalse = (v: unknown) => v === false || v === 'false';

export function teardownViolations(template: CfnTemplate, stack = 'stack'): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const flag = (logicalId: string, type: string, problem: string) => out.push({ stack, logicalId, type, problem });
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    for (const key of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const policy = r[key];
      if (policy && KEEPING_POLICIES.has(policy)) {
        const what =
          r.Type === 'AWS::SecretsManager::Secret'
            ? 'the secret is retained'
            : policy === 'Snapshot'
              ? 'a snapshot is left behind'
              : 'the resource is left behind';
        flag(logicalId, r.Type, `${key} is ${policy}: ${what}`);
      }
    }
    switch (r.Type) {
      case 'AWS::RDS::DBInstance':
      case 'AWS::RDS::DBCluster':
        if (isTrue(p.DeletionProtection)) flag(logicalId, r.Type, 'DeletionProtection is true: cdk destroy fails and the database stays');
        if (isFalse(p.DeleteAutomatedBackups)) flag(logicalId, r.Type, 'DeleteAutomatedBackups is false: automated backups are retained after the delete');
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
      case 'AWS::ElastiCache::CacheCluster':
        if (p.FinalSnapshotIdentifier !== undefined) flag(logicalId, r.Type, 'FinalSnapshotIdentifier is set: a final snapshot is left behind');
        break;
      case 'AWS::Logs::LogGroup':
        if (r.DeletionPolicy !== 'Delete')
          flag(logicalId, r.Type, `DeletionPolicy is ${r.DeletionPolicy ?? 'not set'}: log groups must be DESTROY (DeletionPolicy Delete)`);
        break;
      case 'AWS::EC2::Instance': {
        if (isTrue(p.DisableApiTermination)) flag(logicalId, r.Type, 'DisableApiTermination is true: cdk destroy fails and the instance stays');
        const devices = Array.isArray(p.BlockDeviceMappings) ? (p.BlockDeviceMappings as Array<{ Ebs?: { DeleteOnTermination?: unknown } }>) : [];
        if (devices.some((d) => isFalse(d.Ebs?.DeleteOnTermination)))
          flag(logicalId, r.Type, 'a block device has DeleteOnTermination false: its volume outlives the instance');
        break;
      }
      case 'AWS::Lambda::Function': {
        const logging = p.LoggingConfig as { LogGroup?: unknown } | undefined;
        if (!logging?.LogGroup) {
          flag(logicalId, r.Type, 'no LoggingConfig.LogGroup: Lambda creates /aws/lambda/<name> itself, outside the stack, and it outlives cdk destroy');
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

export function formatViolations(violations: readonly PolicyViolation[]): string[] {
  return violations.map((v) => `${v.stack} ${v.logicalId} (${v.type}): ${v.problem}`);
}
