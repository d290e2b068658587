import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB07_DB_APP_USER, LAB07_ENVIRONMENT_KEYS, LAB07_OUTPUT_KEYS, LAB07_STACK_NAME, type ServerlessCacheStack } from '../07-serverless-cache.js';
import { AURORA_MYSQL_ENGINE_VERSION } from '../shared/aurora.js';
import { functionSettings, InvalidFunctionConfig } from '../shared/function-config.js';
import { configOf, FIXTURE_HANDLER, lab07Template } from './lab07-support.js';
import { resourcesOfType, SYNTH_TIMEOUT_MS, VARIANTS } from './support.js';
import { expectCheapNetwork, expectLabTags, expectNothingRetained, groupIdOf, ingressRules, logicalIdOf, onlyResource } from './template-support.js';

describe.each(VARIANTS)('Lab 7 stack, $name variant', ({ solution }) => {
  let stack: ServerlessCacheStack;
  let template: Template;
  let fn: Record<string, unknown>;

  beforeAll(() => {
    ({ stack, template } = lab07Template(solution));
    fn = onlyResource(template, 'AWS::Lambda::Function').Properties!;
  }, SYNTH_TIMEOUT_MS);

  it('uses the stack name the checker reads', () => {
    expect(stack.stackName).toBe(LAB07_STACK_NAME);
  });

  it('runs the handler on Node.js 22 on arm64 (Graviton), with the memory and timeout of the config', () => {
    const config = configOf(solution);
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: config.memoryMb,
      Timeout: config.timeoutSeconds,
      Description: `Lab 7 user service: ${FIXTURE_HANDLER}`,
    });
  });

  it('puts the function in the isolated subnets of the lab VPC with its own security group', () => {
    const isolated = stack.network.vpc.isolatedSubnets.map((s) => ({ Ref: logicalIdOf(stack, s) }));
    expect(isolated).toHaveLength(2);
    expect(fn.VpcConfig).toEqual({ SubnetIds: isolated, SecurityGroupIds: [groupIdOf(stack, stack.functionSecurityGroup)] });
  });

  it('has no NAT gateway, no VPC endpoint, and no route out of the isolated subnets', () => {
    expectCheapNetwork(template);
    const isolatedTables = new Set(stack.network.vpc.isolatedSubnets.map((s) => JSON.stringify({ Ref: logicalIdOf(stack, s.node.findChild('RouteTable')) })));
    expect(isolatedTables.size).toBe(2);
    const routes = Object.values(resourcesOfType(template, 'AWS::EC2::Route'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(isolatedTables.has(JSON.stringify(route.Properties?.RouteTableId))).toBe(false);
      expect(route.Properties?.NatGatewayId).toBeUndefined();
    }
  });

  it('gives the handler the environment of labs/07-serverless-cache/function-env.ts, secrets only as deploy-time references', () => {
    const vars = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(vars).sort()).toEqual([...LAB07_ENVIRONMENT_KEYS].sort());
    const clusterId = logicalIdOf(stack, stack.database.cluster);
    const cacheId = logicalIdOf(stack, stack.cache.replicationGroup);
    const resolve = (construct: IConstruct) => ['{{resolve:secretsmanager:', { Ref: logicalIdOf(stack, construct) }, ':SecretString:::}}'];
    expect(vars).toEqual({
      REDIS_URL: {
        'Fn::Join': [
          '',
          [
            'rediss://:{{resolve:secretsmanager:',
            { Ref: logicalIdOf(stack, stack.cache.authSecret) },
            ':SecretString:::}}@',
            { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
            ':',
            { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
          ],
        ],
      },
      DB_HOST: { 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] },
      DB_PORT: { 'Fn::GetAtt': [clusterId, 'Endpoint.Port'] },
      DB_USER: LAB07_DB_APP_USER,
      DB_PASSWORD: { 'Fn::Join': ['', resolve(stack.appSecret)] },
      DB_NAME: 'labdb',
      DB_SSL: 'true',
      CACHE_TTL_SECONDS: String(configOf(solution).cacheTtlSeconds),
    });
  });

  it('gives the function no permission beyond logging and its network interfaces (no Secrets Manager read at run time)', () => {
    const role = (fn.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(role));
    expect(policies).toEqual([]);
    const managed = JSON.stringify(template.toJSON().Resources[role].Properties.ManagedPolicyArns);
    expect(managed).toContain('service-role/AWSLambdaBasicExecutionRole');
    expect(managed).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
  });

  it('generates the function user password in a stack-owned secret (not the RDS-managed master secret, which RDS rotates)', () => {
    const secret = template.toJSON().Resources[logicalIdOf(stack, stack.appSecret)] as {
      DeletionPolicy: string;
      Properties: { GenerateSecretString: Record<string, unknown> };
    };
    expect(secret.DeletionPolicy).toBe('Delete');
    expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 32, ExcludePunctuation: true });
  });

  it('runs an encrypted Aurora MySQL Serverless v2 cluster from 0 ACUs (auto-pause after 5 minutes), IAM authentication on, deleted without a snapshot', () => {
    const cluster = onlyResource(template, 'AWS::RDS::DBCluster');
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-mysql',
      EngineVersion: AURORA_MYSQL_ENGINE_VERSION.auroraMysqlFullVersion,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 300 },
      EnableIAMDatabaseAuthentication: true,
      StorageEncrypted: true,
      DeletionProtection: false,
      DeleteAutomatedBackups: true,
      ManageMasterUserPassword: true,
    });
    expect(onlyResource(template, 'AWS::RDS::DBInstance').Properties).toMatchObject({ DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  it('runs one cache.t4g.micro Valkey node with TLS required, encryption at rest and an AUTH token', () => {
    expect(onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').Properties).toMatchObject({
      Engine: 'valkey',
      CacheNodeType: 'cache.t4g.micro',
      NumCacheClusters: 1,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalIdOf(stack, stack.cache.authSecret) }, ':SecretString:::}}']] },
    });
  });

  it('admits 3306 and 6379 only from the bastion and the function, and nothing into either of them', () => {
    const bastion = groupIdOf(stack, stack.bastion.securityGroup);
    const lambdaSg = groupIdOf(stack, stack.functionSecurityGroup);
    const db = groupIdOf(stack, stack.database.securityGroup);
    const cache = groupIdOf(stack, stack.cache.securityGroup);
    const rules = ingressRules(template);
    for (const rule of rules) {
      expect(rule.cidrIp).toBeUndefined();
      expect(rule.cidrIpv6).toBeUndefined();
    }
    const seen = rules.map((r) => ({ to: r.groupId, from: r.sourceSecurityGroupId, port: [r.protocol, r.fromPort, r.toPort] }));
    expect(seen).toHaveLength(4);
    expect(seen).toEqual(
      expect.arrayContaining([
        { to: db, from: bastion, port: ['tcp', 3306, 3306] },
        { to: db, from: lambdaSg, port: ['tcp', 3306, 3306] },
        { to: cache, from: bastion, port: ['tcp', 6379, 6379] },
        { to: cache, from: lambdaSg, port: ['tcp', 6379, 6379] },
      ]),
    );
  });

  it('lets the function out only to 3306 and 6379, with inline rules so EC2 adds no allow-all egress', () => {
    const group = template.toJSON().Resources[logicalIdOf(stack, stack.functionSecurityGroup)] as {
      Properties: { SecurityGroupEgress: Array<Record<string, unknown>> };
    };
    const egress = group.Properties.SecurityGroupEgress;
    expect(egress.map((r) => [r.IpProtocol, r.FromPort, r.ToPort])).toEqual([
      ['tcp', 3306, 3306],
      ['tcp', 6379, 6379],
    ]);
    for (const rule of egress) expect(rule.CidrIp).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, stack.network.vpc), 'CidrBlock'] });
    for (const r of Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress'))) expect(r.Properties?.CidrIp).toBeUndefined();
  });

  it('writes the function logs to a short-lived log group the stack owns', () => {
    const logGroupId = logicalIdOf(stack, stack.logGroup);
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    const group = template.toJSON().Resources[logGroupId] as { DeletionPolicy: string; Properties: { RetentionInDays: number } };
    expect(group.DeletionPolicy).toBe('Delete');
    expect(group.Properties.RetentionInDays).toBeLessThanOrEqual(7);
  });

  it('retains nothing when the stack is deleted', () => {
    expectNothingRetained(template);
  });

  it('tags the stack and every taggable resource for lab 07', () => {
    expectLabTags(stack, template, 7, [
      'AWS::Lambda::Function',
      'AWS::RDS::DBCluster',
      'AWS::ElastiCache::ReplicationGroup',
      'AWS::EC2::Instance',
      'AWS::EC2::SecurityGroup',
    ]);
  });

  it('exports exactly the outputs the checker reads', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([...LAB07_OUTPUT_KEYS].sort());
    expect(outputs.FunctionName?.Value).toEqual({ Ref: logicalIdOf(stack, stack.fn) });
    expect(outputs.ClusterId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.database.cluster) });
    expect(outputs.ReplicationGroupId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.cache.replicationGroup) });
    expect(outputs.DbAppUser?.Value).toBe(LAB07_DB_APP_USER);
    expect(outputs.DbAppSecretArn?.Value).toEqual({ Ref: logicalIdOf(stack, stack.appSecret) });
    expect(outputs.BastionInstanceId?.Value).toEqual({ Ref: logicalIdOf(stack, stack.bastion.instance) });
  });

  if (solution) {
    it('solution: the reference handler, 512 MB and a 30 s timeout that outlasts an Aurora resume', () => {
      expect(configOf(true)).toEqual({
        handlerFile: 'solutions/07-serverless-cache/exercises/02-read-through.ts',
        memoryMb: 512,
        timeoutSeconds: 30,
        cacheTtlSeconds: 60,
      });
    });
  } else {
    it("learner: the learner's handler with Lambda's default 3 s timeout, which the lab asks to raise", () => {
      expect(configOf(false)).toEqual({
        handlerFile: 'labs/07-serverless-cache/exercises/02-read-through.ts',
        memoryMb: 256,
        timeoutSeconds: 3,
        cacheTtlSeconds: 60,
      });
    });
  }
});

describe('Lab 7 function config', () => {
  const good = configOf(true);
  it.each([
    [{ memoryMb: 64 }, /memoryMb must be a whole number from 128 to 10240, got 64/],
    [{ memoryMb: 512.5 }, /memoryMb/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be a whole number from 1 to 900, got 0/],
    [{ timeoutSeconds: 901 }, /timeoutSeconds/],
    [{ cacheTtlSeconds: 0 }, /cacheTtlSeconds must be a whole number from 1 to 86400, got 0/],
    [{ cacheTtlSeconds: '300' }, /cacheTtlSeconds .* got "300"/],
    [{ handlerFile: '/abs/handler.ts' }, /handlerFile must be a .ts or .js file relative to the repository root/],
    [{ handlerFile: 'labs/07-serverless-cache/README.md' }, /handlerFile/],
  ])('refuses %j', (change, message) => {
    expect(() => functionSettings({ ...good, ...change } as never)).toThrow(InvalidFunctionConfig);
    expect(() => functionSettings({ ...good, ...change } as never)).toThrow(message);
  });

  it('accepts both variants', () => {
    expect(functionSettings(configOf(false))).toEqual(configOf(false));
    expect(functionSettings(good)).toEqual(good);
  });
});
