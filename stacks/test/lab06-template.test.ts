import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab06 } from '../../labs/06-performance-insights/lab.js';
import { stackConfig as learnerConfig } from '../../labs/06-performance-insights/stack-config.js';
import { stackConfig as solutionConfig } from '../../solutions/06-performance-insights/stack-config.js';
import {
  addLab06Stack,
  LAB06_CONNECTIONS_ALARM_NAME,
  LAB06_CPU_ALARM_NAME,
  LAB06_DASHBOARD_NAME,
  LAB06_OUTPUT_KEYS,
  LAB06_STACK_NAME,
  PerformanceInsightsStack,
} from '../06-performance-insights.js';
import { MYSQL_ENGINE_VERSION } from '../shared/mysql.js';
import { type InsightsConfig, insightsSettings, InvalidInsightsConfig } from '../shared/performance-insights.js';
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

function templateOf(solution: boolean): { stack: PerformanceInsightsStack; template: Template } {
  const stack = addLab06Stack(templateApp(), { solution });
  return { stack, template: Template.fromStack(stack) };
}

function dashboardMetricNames(template: Template): string[] {
  const body = onlyResource(template, 'AWS::CloudWatch::Dashboard').Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  const widgets = (JSON.parse(text) as { widgets: { properties: { metrics?: string[][]; annotations?: { alarms?: string[] } } }[] }).widgets;
  return widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[1]!));
}

describe.each(VARIANTS)('Lab 6 stack, $name variant', ({ solution }) => {
  let stack: PerformanceInsightsStack;
  let template: Template;
  let dbId: string;

  beforeAll(() => {
    ({ stack, template } = templateOf(solution));
    dbId = logicalIdOf(stack, stack.database.instance);
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker deploys and reads', () => {
    expect(stack.stackName).toBe(LAB06_STACK_NAME);
    expect(lab06.stack?.name).toBe(LAB06_STACK_NAME);
  });

  it('runs a private, encrypted MySQL 8.4 on db.t4g.medium that is deleted without a snapshot', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance');
    expect(db.DeletionPolicy).toBe('Delete');
    expect(db.Properties).toMatchObject({
      Engine: 'mysql',
      EngineVersion: MYSQL_ENGINE_VERSION.mysqlFullVersion,
      DBInstanceClass: 'db.t4g.medium',
      AllocatedStorage: '20',
      StorageType: 'gp3',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      MultiAZ: false,
      DeletionProtection: false,
      DeleteAutomatedBackups: true,
      Port: '3306',
      DBName: 'labdb',
      ManageMasterUserPassword: true,
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('pins what the lab metadata says it requires (engine, version, class, storage type)', () => {
    const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
    expect(lab06.requires?.rds).toEqual([
      { engine: db.Engine, engineVersion: db.EngineVersion, instanceClass: db.DBInstanceClass, storageType: db.StorageType },
    ]);
  });

  it('requires TLS through its own parameter group', () => {
    const [groupId, group] = Object.entries(resourcesOfType(template, 'AWS::RDS::DBParameterGroup'))[0]!;
    template.resourceCountIs('AWS::RDS::DBParameterGroup', 1);
    expect(group.Properties).toMatchObject({ Family: 'mysql8.4', Parameters: { require_secure_transport: 'ON' } });
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties!.DBParameterGroupName).toEqual({ Ref: groupId });
  });

  it('charts database load against the vCPUs, CPU and connections on a named dashboard', () => {
    expect(onlyResource(template, 'AWS::CloudWatch::Dashboard').Properties?.DashboardName).toBe(LAB06_DASHBOARD_NAME);
    const names = dashboardMetricNames(template);
    expect(names).toEqual(expect.arrayContaining(['DBLoad', 'DBLoadCPU', 'DBLoadNonCPU']));
    // With alarms the CPU and connection graphs are alarm widgets (the metric comes from the alarm).
    if (!solution) expect(names).toEqual(expect.arrayContaining(['CPUUtilization', 'DatabaseConnections']));
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

  it('tags the stack and every taggable resource for lab 06', () => {
    expectLabTags(stack, template, 6, ['AWS::RDS::DBInstance', 'AWS::RDS::DBParameterGroup', 'AWS::EC2::Instance', 'AWS::EC2::VPC']);
  });

  it('exports exactly the outputs the checker reads, DbiResourceId for the PI API', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB06_OUTPUT_KEYS].sort());
    expect(Object.values(lab06.stack?.outputs ?? {}).sort()).toEqual([...LAB06_OUTPUT_KEYS].sort());
    expect(outputs.InstanceId?.Value).toEqual({ Ref: dbId });
    expect(outputs.DbEndpoint?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'Endpoint.Address'] });
    expect(outputs.DbiResourceId?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'DbiResourceId'] });
    expect(outputs.DbPort?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'Endpoint.Port'] });
    expect(outputs.DbSecretArn?.Value).toEqual({ 'Fn::GetAtt': [dbId, 'MasterUserSecret.SecretArn'] });
    expect(outputs.DbName?.Value).toBe('labdb');
    expect(outputs.DashboardName?.Value).toEqual({ Ref: Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))[0] });
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: Performance Insights on, 7 days, Database Insights Standard', () => {
      expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties).toMatchObject({
        EnablePerformanceInsights: true,
        PerformanceInsightsRetentionPeriod: 7,
        DatabaseInsightsMode: 'standard',
      });
    });

    it('solution: Enhanced Monitoring every 60 s through a role only RDS monitoring can assume', () => {
      const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
      expect(db.MonitoringInterval).toBe(60);
      const roleId = logicalIdOf(stack, stack.database.monitoringRole!);
      expect(db.MonitoringRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(template.findResources('AWS::IAM::Role')[roleId]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' } },
      ]);
    });

    it('solution: alarms on CPU (80%) and connections (100) of this instance, three breaching minutes in a row', () => {
      expect(solutionConfig).toEqual({ performanceInsights: true, enhancedMonitoringSeconds: 60, alarms: { cpuPercent: 80, connections: 100 } });
      const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
      expect(alarms).toHaveLength(2);
      const common = {
        Namespace: 'AWS/RDS',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: dbId } }],
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      };
      expect(alarms).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ ...common, AlarmName: LAB06_CPU_ALARM_NAME, MetricName: 'CPUUtilization', Statistic: 'Average', Threshold: 80 }),
          expect.objectContaining({
            ...common,
            AlarmName: LAB06_CONNECTIONS_ALARM_NAME,
            MetricName: 'DatabaseConnections',
            Statistic: 'Maximum',
            Threshold: 100,
          }),
        ]),
      );
    });
  } else {
    it('learner: nothing watches the database yet (no PI, no Enhanced Monitoring, no alarms)', () => {
      expect(learnerConfig).toEqual({ performanceInsights: false, enhancedMonitoringSeconds: 0 });
      const db = onlyResource(template, 'AWS::RDS::DBInstance').Properties!;
      for (const key of [
        'EnablePerformanceInsights',
        'PerformanceInsightsRetentionPeriod',
        'DatabaseInsightsMode',
        'MonitoringInterval',
        'MonitoringRoleArn',
      ]) {
        expect(db[key], key).toBeUndefined();
      }
      template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      expect(stack.database.monitoringRole).toBeUndefined();
      expect(JSON.stringify(template.toJSON())).not.toContain('monitoring.rds.amazonaws.com');
    });
  }
});

describe('Lab 6 stack config', () => {
  it.each([
    [{ performanceInsights: 'yes', enhancedMonitoringSeconds: 0 }, /performanceInsights must be true or false, got "yes"/],
    [{ performanceInsights: true, enhancedMonitoringSeconds: 45 }, /enhancedMonitoringSeconds must be one of 0, 1, 5, 10, 15, 30, 60 \(0 is off\), got 45/],
    [
      { performanceInsights: true, enhancedMonitoringSeconds: 60, alarms: { cpuPercent: 120, connections: 100 } },
      /alarms.cpuPercent must be a percentage from 1 to 100, got 120/,
    ],
    [
      { performanceInsights: true, enhancedMonitoringSeconds: 60, alarms: { cpuPercent: 80, connections: 0 } },
      /alarms.connections must be a whole number of at least 1, got 0/,
    ],
    [{ performanceInsights: true, enhancedMonitoringSeconds: 60, alarms: { cpuPercent: 80 } }, /alarms.connections .* got undefined/],
  ])('rejects %o at synth with a clear error', (config, message) => {
    expect(() => insightsSettings(config as unknown as InsightsConfig)).toThrow(InvalidInsightsConfig);
    expect(() => new PerformanceInsightsStack(new App(), 'Impossible', { insights: config as unknown as InsightsConfig })).toThrow(message);
  });

  it(
    'accepts Performance Insights without alarms or Enhanced Monitoring',
    () => {
      const stack = new PerformanceInsightsStack(templateApp(), 'PiOnly', { insights: { performanceInsights: true, enhancedMonitoringSeconds: 0 } });
      const db = onlyResource(Template.fromStack(stack), 'AWS::RDS::DBInstance').Properties!;
      expect(db).toMatchObject({ EnablePerformanceInsights: true, DatabaseInsightsMode: 'standard' });
      expect(db.MonitoringInterval).toBeUndefined();
    },
    SYNTH_TIMEOUT_MS,
  );
});
