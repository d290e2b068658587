/**
 * docs/iam/learner-policy.json must allow every AWS call the checker can
 * make, and nothing that changes resources beyond the failover drills on
 * lab-tagged resources. The source is scanned when the test runs, so a new
 * SDK command added anywhere under checker/ (tests excepted) fails this test
 * until the policy grants it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  actionMatches,
  allowingStatements,
  allowsRequest,
  isAllowed,
  scanChecker,
  scanSource,
  uncovered,
  type PolicyDocument,
  type PolicyStatement,
} from './aws-calls.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const readPolicy = (name: string): PolicyDocument => JSON.parse(readFileSync(join(ROOT, 'docs', 'iam', name), 'utf8')) as PolicyDocument;
const learner = readPolicy('learner-policy.json');
const deployer = readPolicy('deployer-policy.json');
const consoleLearner = readPolicy('console-learner-policy.json');
const readme = readFileSync(join(ROOT, 'docs', 'iam', 'README.md'), 'utf8');

/** The tunnel runs `aws ssm start-session`; listed here too in case the scanner ever stops seeing it. */
const CLI_CALLS = ['ssm:StartSession'];

/**
 * Calls the kit makes only while deploying or destroying, which need the
 * deployer policy rather than the learner's. Empty today: every call the
 * checker makes, destroy verification included, must be a learner's call.
 */
const DEPLOY_ONLY: string[] = [];

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const conditionText = (s: PolicyStatement) => JSON.stringify(s.Condition ?? {});

describe('the IAM action matcher', () => {
  it('matches IAM wildcards and is case-insensitive', () => {
    expect(actionMatches('rds:Describe*', 'rds:DescribeDBInstances')).toBe(true);
    expect(actionMatches('rds:Describe*', 'rds:describedbinstances')).toBe(true);
    expect(actionMatches('rds:Describe*', 'rds:DeleteDBInstance')).toBe(false);
    expect(actionMatches('rds:Describe*', 'elasticache:DescribeReplicationGroups')).toBe(false);
    expect(actionMatches('ec2:Describe?pcs', 'ec2:DescribeVpcs')).toBe(true);
    expect(actionMatches('ec2:DescribeVpcs', 'ec2:DescribeVpcsX')).toBe(false);
    expect(actionMatches('s3:Get.bject', 's3:GetObject')).toBe(false); // a dot is not a regex wildcard
  });

  it('is not vacuous: actions the learner policy lacks are reported', () => {
    for (const action of ['rds:DeleteDBInstance', 'elasticache:DeleteReplicationGroup', 'cloudformation:DeleteStack', 'iam:CreateUser']) {
      expect(isAllowed(learner, action), action).toBe(false);
    }
    expect(uncovered(learner, ['rds:DescribeDBInstances', 'rds:DeleteDBInstance'])).toEqual(['rds:DeleteDBInstance']);
  });

  it('honours an unconditional Deny', () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'rds:*', Resource: '*' },
        { Effect: 'Deny', Action: 'rds:Delete*', Resource: '*' },
      ],
    };
    expect(isAllowed(policy, 'rds:DescribeDBInstances')).toBe(true);
    expect(isAllowed(policy, 'rds:DeleteDBInstance')).toBe(false);
  });
});

describe('the AWS call scanner', () => {
  it('finds an uncovered command in a made-up source file', () => {
    const snippet = [
      "import { DeleteDBInstanceCommand, DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';",
      'await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id }));',
    ].join('\n');
    const { calls, problems } = scanSource(snippet, 'fake.ts');
    expect(problems).toEqual([]);
    const actions = calls.map((c) => c.action);
    expect(actions).toContain('rds:DeleteDBInstance');
    expect(actions).toContain('rds:DescribeDBInstances');
    expect(actions).not.toContain('rds:DBInstance');
    expect(uncovered(learner, actions)).toEqual(['rds:DeleteDBInstance']);
  });

  it('sees dynamic imports, namespaces, aliases, paginators, waiters and CLI argument lists', () => {
    const snippet = [
      "const { GetResourcesCommand: Tagged } = await import('@aws-sdk/client-resource-groups-tagging-api');",
      "import * as ec2 from '@aws-sdk/client-ec2';",
      "import { paginateDescribeLogGroups } from '@aws-sdk/client-cloudwatch-logs';",
      "import { waitUntilStackDeleteComplete } from '@aws-sdk/client-cloudformation';",
      "const { TerminateSessionCommand } = await import('@aws-sdk/client-ssm');",
      'await client.send(new ec2.DescribeNatGatewaysCommand({}));',
      "spawn('aws', ['rds', 'reboot-db-instance', '--force-failover']);",
      '// new NotReallyCalledCommand( in a comment is ignored',
    ].join('\n');
    const { calls, problems } = scanSource(snippet, 'fake.ts');
    expect(problems).toEqual([]);
    expect(new Set(calls.map((c) => c.action.toLowerCase()))).toEqual(
      new Set(
        [
          'tag:GetResources',
          'ec2:DescribeNatGateways',
          'logs:DescribeLogGroups',
          'cloudformation:DescribeStacks',
          'ssm:TerminateSession',
          'rds:RebootDbInstance',
        ].map((a) => a.toLowerCase()),
      ),
    );
  });

  it('reports what it cannot map instead of skipping it', () => {
    const unknownService = scanSource("import { ListBucketsCommand } from '@aws-sdk/client-s3';", 'fake.ts');
    expect(unknownService.problems.join('\n')).toMatch(/client-s3.*SERVICE_PREFIX/);
    const unresolved = scanSource('await x.send(new MysteryCommand({}));', 'fake.ts');
    expect(unresolved.problems.join('\n')).toMatch(/new MysteryCommand\(/);
    const waiter = scanSource("import { waitUntilSomethingOdd } from '@aws-sdk/client-rds';", 'fake.ts');
    expect(waiter.problems.join('\n')).toMatch(/WAITER_ACTIONS/);
  });
});

describe('docs/iam/learner-policy.json covers the checker', () => {
  const scan = scanChecker(ROOT);
  const found = [...new Set([...scan.calls.map((c) => c.action), ...CLI_CALLS])].sort();

  it('every AWS call in the source could be mapped to an IAM action', () => {
    expect(scan.problems).toEqual([]);
  });

  it('the scan sees the calls the kit is known to make (so it is not vacuous)', () => {
    const lower = new Set(found.map((a) => a.toLowerCase()));
    for (const known of [
      'sts:GetCallerIdentity',
      'cloudformation:DescribeStacks',
      'elasticache:DescribeReplicationGroups',
      'elasticache:DescribeCacheClusters',
      'elasticache:DescribeEvents',
      'elasticache:TestFailover',
      'rds:DescribeDBInstances',
      'cloudwatch:GetMetricData',
      'secretsmanager:GetSecretValue',
    ]) {
      expect(lower.has(known.toLowerCase()), `${known} not found by the scan`).toBe(true);
    }
    expect(scan.calls.some((c) => c.action === 'ssm:StartSession' && c.file === 'checker/aws/tunnel.ts')).toBe(true);
  });

  it("maps Lambda's Invoke command to the IAM action lambda:InvokeFunction (Lab 7)", () => {
    const { calls, problems } = scanSource("import { InvokeCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';", 'fake.ts');
    expect(problems).toEqual([]);
    expect(calls.map((c) => c.action).sort()).toEqual(['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction']);
    expect(found).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration', 'ec2:DescribeRouteTables']));
  });

  it("invokes and reads only the kit's functions", () => {
    for (const action of ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration']) {
      const statements = allowingStatements(learner, action);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) expect(list(s.Resource), s.Sid).toEqual(['arn:aws:lambda:*:*:function:DataTierLabs-*']);
    }
    for (const action of [
      'lambda:UpdateFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:DeleteFunction',
      'lambda:AddPermission',
      'lambda:CreateFunctionUrlConfig',
    ]) {
      expect(isAllowed(learner, action), action).toBe(false);
    }
  });

  it('allows every call the checker can make', () => {
    const learnerCalls = found.filter((a) => !DEPLOY_ONLY.includes(a));
    const missing = uncovered(learner, learnerCalls).map((a) => {
      const where = [...new Set(scan.calls.filter((c) => c.action === a).map((c) => `${c.file} (${c.evidence})`))];
      return `${a}: ${where.join('; ') || 'the tunnel'}`;
    });
    expect(missing, 'add these to docs/iam/learner-policy.json (read-only ones in ReadLabResources)').toEqual([]);
    expect(uncovered(deployer, DEPLOY_ONLY)).toEqual([]);
  });
});

describe('docs/iam/learner-policy.json is least privilege', () => {
  it('is a well-formed policy with unique Sids', () => {
    for (const policy of [learner, deployer]) {
      expect(policy.Version).toBe('2012-10-17');
      expect(Array.isArray(policy.Statement) && policy.Statement.length > 0).toBe(true);
      const sids = policy.Statement.map((s) => s.Sid);
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(new Set(sids).size).toBe(sids.length);
      for (const s of policy.Statement) {
        expect(['Allow', 'Deny']).toContain(s.Effect);
        expect(s.Action ?? s.NotAction, `${s.Sid} has no Action`).toBeDefined();
        expect(s.Resource ?? s.NotResource, `${s.Sid} has no Resource`).toBeDefined();
        expect(s.NotAction, `${s.Sid}: NotAction grants too much`).toBeUndefined();
      }
    }
  });

  it('uses wildcards only for read-only Describe, List and Get actions, never a whole service', () => {
    for (const s of learner.Statement) {
      for (const action of list(s.Action)) {
        if (!action.includes('*') && !action.includes('?')) continue;
        expect(action, `${s.Sid}: ${action}`).toMatch(/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*\*$/);
      }
    }
  });

  it('does not allow creating, changing or deleting lab resources', () => {
    for (const action of [
      'rds:DeleteDBInstance',
      'rds:ModifyDBInstance',
      'rds:CreateDBSnapshot',
      'elasticache:DeleteReplicationGroup',
      'elasticache:ModifyReplicationGroup',
      'elasticache:IncreaseReplicaCount',
      'cloudformation:DeleteStack',
      'cloudformation:CreateStack',
      'ec2:TerminateInstances',
      'ec2:RunInstances',
      'ec2:AuthorizeSecurityGroupIngress',
      'secretsmanager:PutSecretValue',
      'secretsmanager:DeleteSecret',
      'ssm:SendCommand',
      'sts:AssumeRole',
      'iam:PassRole',
      'kms:Decrypt',
    ]) {
      expect(isAllowed(learner, action), action).toBe(false);
    }
  });

  it('reads only the lab secrets', () => {
    const statements = allowingStatements(learner, 'secretsmanager:GetSecretValue');
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      const scoped =
        !list(s.Resource).includes('*') && (conditionText(s).includes('data-tier-labs:managed') || list(s.Resource).every((r) => !r.endsWith(':secret:*')));
      expect(scoped, `${s.Sid} must limit GetSecretValue to the lab secrets`).toBe(true);
    }
  });

  it('reads the RDS-managed (rds!) secret of a lab instance or cluster whether or not RDS copied the kit tag, and no other', () => {
    const secret = (kind: 'db' | 'cluster', suffix: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!${kind}-${suffix}`;
    const labDb = 'arn:aws:rds:eu-west-1:123456789012:db:datatierlabs-01-rdsmultiaz-databaseinstance6b2e4c1d-q8x3m2ab7kfz';
    const labCluster = 'arn:aws:rds:eu-west-1:123456789012:cluster:datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8';
    const get = (resource: string, resourceTags: Record<string, string>) =>
      allowsRequest(learner, { action: 'secretsmanager:GetSecretValue', resource, resourceTags });
    const rdsOwned = { 'aws:secretsmanager:owningService': 'rds' };
    // RDS did not copy the stack's tags: only its own tags are on the secret.
    expect(get(secret('db', '1a2b3c4d-AbCdEf'), { ...rdsOwned, 'aws:rds:primaryDBInstanceArn': labDb })).toBe(true);
    expect(get(secret('cluster', '5e6f7a8b-GhIjKl'), { ...rdsOwned, 'aws:rds:primaryDBClusterArn': labCluster })).toBe(true);
    // RDS copied them: the kit tag alone is enough.
    expect(get(secret('db', '1a2b3c4d-AbCdEf'), { 'data-tier-labs:managed': 'true' })).toBe(true);
    // Someone else's database in the same account stays unreadable.
    expect(get(secret('db', '9f8e7d6c-MnOpQr'), { ...rdsOwned, 'aws:rds:primaryDBInstanceArn': 'arn:aws:rds:eu-west-1:123456789012:db:prod-orders' })).toBe(
      false,
    );
    expect(
      get(secret('cluster', '9f8e7d6c-MnOpQr'), {
        ...rdsOwned,
        'aws:rds:primaryDBClusterArn': labDb.replace(':db:', ':cluster:').replace('datatierlabs', 'billing'),
      }),
    ).toBe(false);
    expect(get('arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key-AbCdEf', {})).toBe(false);
  });

  it('opens sessions only on lab-tagged instances, with the port forwarding document, and checks the document', () => {
    const statements = allowingStatements(learner, 'ssm:StartSession');
    expect(statements.length).toBeGreaterThan(0);
    const resources = statements.flatMap((s) => list(s.Resource));
    expect(resources).toContain('arn:aws:ssm:*::document/AWS-StartPortForwardingSessionToRemoteHost');
    expect(resources.some((r) => /document\/(SSM-SessionManagerRunShell|\*)$/.test(r))).toBe(false);
    for (const s of statements) {
      expect(conditionText(s), `${s.Sid}: every StartSession statement needs the document access check`).toContain('ssm:SessionDocumentAccessCheck');
      if (list(s.Resource).some((r) => r.includes(':instance/'))) {
        expect(conditionText(s), `${s.Sid}: instances must be lab-tagged`).toContain('ssm:resourceTag/data-tier-labs:managed');
      }
    }
  });

  it('ends only the caller’s own sessions', () => {
    for (const action of ['ssm:TerminateSession', 'ssm:ResumeSession']) {
      const statements = allowingStatements(learner, action);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        const own = list(s.Resource).every((r) => r.includes('${aws:username}') || r.includes('${aws:userid}')) || conditionText(s).includes('${aws:userid}');
        expect(own, `${s.Sid}: ${action} must be limited to the caller's sessions`).toBe(true);
      }
    }
  });

  it('runs failover drills only on lab-tagged resources', () => {
    for (const action of ['elasticache:TestFailover', 'rds:RebootDBInstance', 'rds:FailoverDBCluster']) {
      const statements = allowingStatements(learner, action);
      expect(statements.length, action).toBeGreaterThan(0);
      for (const s of statements) {
        expect(conditionText(s), `${s.Sid}: ${action}`).toContain('aws:ResourceTag/data-tier-labs:managed');
        expect(list(s.Resource)).not.toContain('*');
      }
    }
  });

  it('reads Performance Insights metrics for the coming Lab 6', () => {
    expect(isAllowed(learner, 'pi:GetResourceMetrics')).toBe(true);
    expect(isAllowed(learner, 'pi:DescribeDimensionKeys')).toBe(true);
  });
});

describe('docs/iam/deployer-policy.json', () => {
  it('lets CDK assume its bootstrap roles and nothing else of IAM', () => {
    const statements = allowingStatements(deployer, 'sts:AssumeRole');
    expect(statements.length).toBe(1);
    for (const r of list(statements[0]!.Resource)) expect(r).toMatch(/^arn:aws:iam::\*:role\/cdk-hnb659fds-[a-z-]+-role-\*$/);
    for (const action of ['iam:CreateRole', 'iam:PassRole', 'cloudformation:CreateStack', 'ec2:RunInstances']) {
      expect(isAllowed(deployer, action), action).toBe(false);
    }
  });
});

describe("docs/iam/console-learner-policy.json covers the lessons' console and CLI paths, on lab resources only", () => {
  const account = '123456789012';
  const tagged = { 'data-tier-labs:managed': 'true' };
  const arn = (service: string, resource: string) => `arn:aws:${service}:eu-west-1:${account}:${resource}`;
  const labDb = arn('rds', 'db:datatierlabs-01-rdsmultiaz-databaseinstance6b2e4c1d-q8x3m2ab7kfz');
  const labCluster = arn('rds', 'cluster:datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8');
  const allow = (action: string, resource: string, resourceTags: Record<string, string> = {}, context: Record<string, string> = {}) =>
    allowsRequest(consoleLearner, { action, resource, resourceTags, context });

  it("allows every write the lessons' console and CLI steps make, on the lab's resources", () => {
    expect(allow('rds:ModifyDBInstance', labDb, tagged)).toBe(true);
    expect(allow('rds:CreateDBInstanceReadReplica', labDb, tagged)).toBe(true);
    expect(allow('rds:CreateDBInstanceReadReplica', `${labDb}-replica-1`)).toBe(true);
    expect(allow('rds:CreateDBInstance', labCluster, tagged)).toBe(true);
    expect(allow('rds:CreateDBInstance', arn('rds', 'db:datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8-reader-1'))).toBe(true);
    expect(allow('rds:DeleteDBInstance', arn('rds', 'db:datatierlabs-03-auroracluster-cluster5e1a9c2b-k4m7p2q9r3s8-reader-1'))).toBe(true);
    expect(allow('rds:ModifyDBCluster', labCluster, tagged)).toBe(true);
    expect(allow('elasticache:IncreaseReplicaCount', arn('elasticache', 'replicationgroup:dat1abc2def3'), tagged)).toBe(true);
    expect(allow('elasticache:ModifyReplicationGroup', arn('elasticache', 'replicationgroup:dat1abc2def3'), tagged)).toBe(true);
    expect(allow('cloudwatch:PutMetricAlarm', arn('cloudwatch', 'alarm:datatierlabs-06-performanceinsights-database3c7e1a9b-w6y9a2c5e8g1-cpu-high'))).toBe(
      true,
    );
    expect(
      allow(
        'iam:PassRole',
        `arn:aws:iam::${account}:role/DataTierLabs-06-PerformanceIn-DatabaseMonitoringRole-AbC123`,
        {},
        { 'iam:PassedToService': 'monitoring.rds.amazonaws.com' },
      ),
    ).toBe(true);
  });

  it("refuses the same writes on anything that is not the lab's", () => {
    expect(allow('rds:ModifyDBInstance', arn('rds', 'db:prod-orders'))).toBe(false);
    expect(allow('rds:DeleteDBInstance', arn('rds', 'db:prod-orders'), { team: 'payments' })).toBe(false);
    expect(allow('rds:ModifyDBCluster', arn('rds', 'cluster:prod-aurora'))).toBe(false);
    expect(allow('elasticache:ModifyReplicationGroup', arn('elasticache', 'replicationgroup:prod-sessions'))).toBe(false);
    expect(allow('cloudwatch:PutMetricAlarm', arn('cloudwatch', 'alarm:prod-billing'))).toBe(false);
    expect(allow('iam:PassRole', `arn:aws:iam::${account}:role/Admin`, {}, { 'iam:PassedToService': 'monitoring.rds.amazonaws.com' })).toBe(false);
    expect(allow('iam:PassRole', `arn:aws:iam::${account}:role/DataTierLabs-06-X`, {}, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    for (const action of [
      'rds:DeleteDBCluster',
      'elasticache:DeleteReplicationGroup',
      'cloudformation:DeleteStack',
      'iam:CreateRole',
      'secretsmanager:GetSecretValue',
    ]) {
      expect(isAllowed(consoleLearner, action), action).toBe(false);
    }
  });

  it('the learner policy alone does not allow those writes (so the console path needs this policy)', () => {
    for (const action of [
      'rds:ModifyDBInstance',
      'rds:CreateDBInstanceReadReplica',
      'elasticache:IncreaseReplicaCount',
      'elasticache:ModifyReplicationGroup',
      'cloudwatch:PutMetricAlarm',
      'iam:PassRole',
    ]) {
      expect(isAllowed(learner, action), action).toBe(false);
    }
    expect(readme).toMatch(/\*\*Which policy for which path\.\*\*/);
  });
});

describe('docs/iam/README.md', () => {
  it('explains every statement of every policy', () => {
    for (const policy of [learner, deployer, consoleLearner]) {
      for (const s of policy.Statement) expect(readme, `README does not mention ${s.Sid}`).toContain(s.Sid!);
    }
  });
});
