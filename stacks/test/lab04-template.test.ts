import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab04 } from '../../labs/04-aurora-serverless/lab.js';
import { stackConfig as learnerConfig } from '../../labs/04-aurora-serverless/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/04-aurora-serverless/stack-config.js';
import { addLab04Stack, AuroraServerlessStack, LAB04_DASHBOARD_NAME, LAB04_OUTPUT_KEYS, LAB04_STACK_NAME } from '../04-aurora-serverless.js';
import { AURORA_MYSQL_ENGINE_VERSION } from '../shared/aurora.js';
import { resourcesOfType, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';
import {
  expectCheapNetwork,
  expectLabTags,
  expectNothingRetained,
  expectOnlyBastionToMysql,
  groupIdOf,
  logicalIdOf,
  onlyResource,
  templateApp,
} from './template-support.js';

function templateOf(solution: boolean): { stack: AuroraServerlessStack; template: Template } {
  const stack = addLab04Stack(templateApp(), { solution });
  return { stack, template: Template.fromStack(stack) };
}

/** The dashboard body with its tokens (region, cluster id) left as placeholders. */
function dashboardBody(template: Template): { widgets: { properties: { title: string; metrics: unknown[][] } }[] } {
  const body = onlyResource(template, 'AWS::CloudWatch::Dashboard').Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`)).join('');
  return JSON.parse(text) as { widgets: { properties: { title: string; metrics: unknown[][] } }[] };
}

describe.each(VARIANTS)('Lab 4 stack, $name variant', ({ solution }) => {
  let stack: AuroraServerlessStack;
  let template: Template;
  let clusterId: string;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
    clusterId = logicalIdOf(stack, stack.database.cluster);
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB04_STACK_NAME);
    expect(lab04.stack?.name).toBe(LAB04_STACK_NAME);
  });

  it('runs a private, encrypted Aurora MySQL cluster that is deleted without a snapshot', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster');
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-mysql',
      EngineVersion: AURORA_MYSQL_ENGINE_VERSION.auroraMysqlFullVersion,
      StorageEncrypted: true,
      DeletionProtection: false,
      DeleteAutomatedBackups: true,
      Port: 3306,
      DatabaseName: 'labdb',
      ManageMasterUserPassword: true,
    });
    // Serverless v2 is a provisioned cluster with db.serverless instances; EngineMode serverless is the retired v1.
    expect(cluster.Properties?.EngineMode).toBeUndefined();
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('has one writer, a Serverless v2 instance on the pinned version', () => {
    const writer = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(writer).toMatchObject({
      DBInstanceClass: 'db.serverless',
      Engine: 'aurora-mysql',
      DBClusterIdentifier: { Ref: clusterId },
      PromotionTier: 0,
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: false,
    });
  });

  it('pins what the lab metadata says it requires (engine, version, class)', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster').Properties!;
    const writer = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(lab04.requires?.rds).toEqual([{ engine: cluster.Engine, engineVersion: cluster.EngineVersion, instanceClass: writer.DBInstanceClass }]);
  });

  it('scales from 0 ACUs, pausing after 5 idle minutes, up to the configured maximum', () => {
    const config = solution ? solutionConfig : learnerConfig;
    expect(onlyResource(template, 'AWS::RDS::DBCluster').Properties!.ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0,
      MaxCapacity: config.maxCapacity,
      SecondsUntilAutoPause: 300,
    });
  });

  it('requires TLS through the cluster parameter group', () => {
    const groups = Object.entries(resourcesOfType(template, 'AWS::RDS::DBClusterParameterGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]![1].Properties).toMatchObject({ Family: 'aurora-mysql8.0', Parameters: { require_secure_transport: 'ON' } });
    expect(onlyResource(template, 'AWS::RDS::DBCluster').Properties!.DBClusterParameterGroupName).toEqual({ Ref: groups[0]![0] });
  });

  it('charts ServerlessDatabaseCapacity and ACUUtilization of the cluster every minute on a named dashboard', () => {
    const dashboard = onlyResource(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties?.DashboardName).toBe(LAB04_DASHBOARD_NAME);
    const metrics = dashboardBody(template).widgets.flatMap((w) => w.properties.metrics);
    const cluster = `<{'Ref':'${clusterId}'}>`;
    for (const name of ['ServerlessDatabaseCapacity', 'ACUUtilization']) {
      expect(metrics).toContainEqual(['AWS/RDS', name, 'DBClusterIdentifier', cluster, expect.objectContaining({ period: 60 })]);
    }
  });

  it('has no NAT gateway and no hard-coded AZ', () => {
    expectCheapNetwork(template);
  });

  it('admits 3306 only from the bastion security group, and nothing from 0.0.0.0/0', () => {
    expectOnlyBastionToMysql(template, groupIdOf(stack, stack.database.securityGroup), groupIdOf(stack, stack.bastion.securityGroup));
  });

  it('retains nothing when the stack is deleted', () => {
    expectNothingRetained(template);
  });

  it('tags the stack and every taggable resource for lab 04', () => {
    expectLabTags(stack, template, 4, ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::DBClusterParameterGroup', 'AWS::EC2::Instance']);
  });

  it('exports exactly the outputs the checker reads', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB04_OUTPUT_KEYS].sort());
    expect(Object.values(lab04.stack?.outputs ?? {}).sort()).toEqual([...LAB04_OUTPUT_KEYS].sort());
    const writerId = Object.keys(resourcesOfType(template, 'AWS::RDS::DBInstance'))[0]!;
    expect(outputs.ClusterId?.Value).toEqual({ Ref: clusterId });
    expect(outputs.ClusterEndpoint?.Value).toEqual({ 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] });
    expect(outputs.WriterInstanceId?.Value).toEqual({ Ref: writerId });
    expect(outputs.DbSecretArn?.Value).toEqual({ 'Fn::GetAtt': [clusterId, 'MasterUserSecret.SecretArn'] });
    expect(outputs.DbName?.Value).toBe('labdb');
    expect(outputs.DashboardName?.Value).toEqual({ Ref: Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))[0] });
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: a maximum of 16 ACUs', () => {
      expect(solutionConfig).toEqual({ minCapacity: 0, maxCapacity: 16, autoPauseSeconds: 300 });
    });
  } else {
    it('learner: the maximum starts at 1 ACU, the ceiling the learner raises', () => {
      expect(learnerConfig).toEqual({ minCapacity: 0, maxCapacity: 1, autoPauseSeconds: 300 });
    });
  }
});

describe('Lab 4 stack with an impossible capacity range', () => {
  it('fails at synth with a clear error, before creating anything', () => {
    expect(() => new AuroraServerlessStack(new App(), 'Impossible', { capacity: { minCapacity: 4, maxCapacity: 2 } })).toThrow(
      /Invalid Aurora stack config: maxCapacity \(2\) must be at least minCapacity \(4\)/,
    );
  });
});
