/**
 * Lab 7: a Lambda function (Node.js 22, arm64) in the lab VPC's isolated
 * subnets reads users from Aurora MySQL Serverless v2 and caches them in
 * ElastiCache for Valkey. No NAT gateway and no VPC endpoint: the function
 * gets its database password and the Valkey AUTH token as environment
 * variables CloudFormation resolves from Secrets Manager at deploy time
 * (docs/stack-07.md weighs the alternatives, IAM authentication among them).
 * The SSM bastion lets the checker seed the table, create the function's
 * database user and count connections on the engines.
 */
import { type App, CfnOutput, Duration, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { lab07 } from '../labs/07-serverless-cache/lab.js';
import { stackConfig as learnerConfig } from '../labs/07-serverless-cache/stack-config.js';
import { stackConfig as solutionConfig } from '../solutions/07-serverless-cache/stack-config.js';
import { AURORA_PORT, LabAuroraCluster } from './shared/aurora.js';
import type { ServerlessCapacityConfig } from './shared/aurora-config.js';
import { LabBastion } from './shared/bastion.js';
import { functionSettings, type ServerlessCacheConfig } from './shared/function-config.js';
import { BUNDLE_HANDLER, handlerCode } from './shared/handler-bundle.js';
import { cacheRequirement, type LabStackEntry, labEnvironment, outputKeys, rdsRequirement, type VariantOptions } from './shared/lab-entry.js';
import { LabStack } from './shared/lab-stack.js';
import { LabNetwork } from './shared/network.js';
import { LAB_LOG_RETENTION, LAB_REMOVAL_POLICY } from './shared/secure-defaults.js';
import { LabValkeyCache, VALKEY_PORT } from './shared/valkey.js';

export const LAB07_ID = lab07.id;
export const LAB07_STACK_NAME = lab07.stack.name;
export const LAB07_DATABASE_NAME = 'labdb';
/**
 * The MySQL user the function signs in as, with the password of the stack's
 * app secret. The checker creates it through the bastion (only a client inside
 * the VPC can), with the master secret.
 */
export const LAB07_DB_APP_USER = 'lab07_app';
/** Scale from 0 (paused after 5 idle minutes) to 2 ACUs: a user lookup never needs more. */
export const LAB07_CAPACITY: ServerlessCapacityConfig = { minCapacity: 0, maxCapacity: 2, autoPauseSeconds: 300 };
export const LAB07_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const LAB07_ARCHITECTURE = lambda.Architecture.ARM_64;

/**
 * The environment the handler reads (labs/07-serverless-cache/function-env.ts);
 * the kit's local runtime sets the same names on its engines, so one handler
 * file runs on both targets.
 */
export const LAB07_ENVIRONMENT_KEYS = ['REDIS_URL', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME', 'DB_SSL', 'CACHE_TTL_SECONDS'] as const;
export type Lab07EnvironmentKey = (typeof LAB07_ENVIRONMENT_KEYS)[number];

/** The CloudFormation output keys, as labs/07-serverless-cache/lab.ts lists them (the checker reads them from there). */
export const LAB07_OUTPUT_KEYS = outputKeys(lab07.stack);
export type Lab07OutputKey = (typeof LAB07_OUTPUT_KEYS)[number];

export interface ServerlessCacheStackProps extends StackProps {
  /** The handler file, memory, timeout and TTL: the learner's part. */
  readonly function: ServerlessCacheConfig;
}

export class ServerlessCacheStack extends LabStack {
  readonly network: LabNetwork;
  readonly bastion: LabBastion;
  readonly database: LabAuroraCluster;
  readonly cache: LabValkeyCache;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  /** The function's database password (not RDS-managed: a rotation would leave the function's copy stale). */
  readonly appSecret: secretsmanager.Secret;
  readonly fn: lambda.Function;
  readonly settings: ServerlessCacheConfig;

  constructor(scope: Construct, id: string, props: ServerlessCacheStackProps) {
    // Reject an impossible config before creating anything.
    const settings = functionSettings(props.function);
    const { function: _function, ...stackProps } = props;
    super(scope, id, {
      description: 'Data Tier Labs, lab 7: a Lambda function caching Aurora Serverless v2 reads in ElastiCache for Valkey',
      ...stackProps,
      labId: LAB07_ID,
    });
    this.settings = settings;

    this.network = new LabNetwork(this, 'Network');
    const { vpc } = this.network;
    this.bastion = new LabBastion(this, 'Bastion', { vpc });

    this.database = new LabAuroraCluster(this, 'Database', {
      vpc,
      subnets: this.network.dataSubnets,
      databaseName: LAB07_DATABASE_NAME,
      instances: { kind: 'serverless', capacity: LAB07_CAPACITY },
      // On, though the function signs in with a password: switching it to IAM
      // tokens (the stronger option docs/stack-07.md describes) then needs no
      // change to the cluster.
      iamAuthentication: true,
      requires: rdsRequirement(lab07),
    });

    this.cache = new LabValkeyCache(this, 'Cache', {
      vpc,
      subnets: this.network.dataSubnets,
      replication: { replicasPerPrimary: 0, multiAz: false, automaticFailover: false },
      description: 'Data Tier Labs lab 7 cache',
      requires: cacheRequirement(lab07),
      singleNodeReason: 'Lab 7 measures a cache in front of a database, not its failover: one node is enough, and a lost node only costs cache misses.',
    });

    // Out only to the two data-tier ports: the function needs nothing else.
    // The rules are inline on purpose: a group whose only egress rules are
    // separate AWS::EC2::SecurityGroupEgress resources (what allowFrom adds
    // between two groups) keeps EC2's default "all traffic to 0.0.0.0/0" rule.
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc,
      description: 'Lab 7 function: no inbound; out only to Aurora 3306 and Valkey 6379',
      allowAllOutbound: false,
    });
    for (const [port, what] of [
      [AURORA_PORT, 'Aurora MySQL'],
      [VALKEY_PORT, 'Valkey'],
    ] as const) {
      this.functionSecurityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), `${what} inside the lab VPC`);
    }

    this.appSecret = new secretsmanager.Secret(this, 'AppDbPassword', {
      description: `Password of the MySQL user ${LAB07_DB_APP_USER} the Lab 7 function signs in as`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
      removalPolicy: LAB_REMOVAL_POLICY,
    });

    this.logGroup = new logs.LogGroup(this, 'FunctionLogs', {
      retention: LAB_LOG_RETENTION,
      removalPolicy: LAB_REMOVAL_POLICY,
    });

    this.fn = new lambda.Function(this, 'Function', {
      description: `Lab 7 user service: ${settings.handlerFile}`,
      runtime: LAB07_RUNTIME,
      architecture: LAB07_ARCHITECTURE,
      code: handlerCode(settings.handlerFile),
      handler: BUNDLE_HANDLER,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      vpc,
      vpcSubnets: this.network.dataSubnets,
      securityGroups: [this.functionSecurityGroup],
      allowPublicSubnet: false,
      logGroup: this.logGroup,
      environment: this.functionEnvironment(settings),
    });

    this.database.allowFrom(this.bastion.securityGroup, 'MySQL from the lab bastion');
    this.database.allowFrom(this.functionSecurityGroup, 'MySQL from the lab 7 function');
    this.cache.allowFrom(this.bastion.securityGroup, 'Valkey from the lab bastion');
    this.cache.allowFrom(this.functionSecurityGroup, 'Valkey from the lab 7 function');

    this.acknowledgeFunctionFindings();
    this.addOutputs();
  }

  private functionEnvironment(settings: ServerlessCacheConfig): Record<Lab07EnvironmentKey, string> {
    const rg = this.cache.replicationGroup;
    const { cluster } = this.database;
    // Both secrets are resolved by CloudFormation at deploy time: the template
    // holds only references. The AUTH token is letters and digits, so it needs
    // no escaping in the URL.
    const token = this.cache.authSecret.secretValue.unsafeUnwrap();
    return {
      REDIS_URL: `rediss://:${token}@${rg.attrPrimaryEndPointAddress}:${rg.attrPrimaryEndPointPort}`,
      DB_HOST: cluster.clusterEndpoint.hostname,
      DB_PORT: cluster.clusterEndpoint.port.toString(),
      DB_USER: LAB07_DB_APP_USER,
      DB_PASSWORD: this.appSecret.secretValue.unsafeUnwrap(),
      DB_NAME: this.database.databaseName,
      DB_SSL: 'true',
      CACHE_TTL_SECONDS: String(settings.cacheTtlSeconds),
    };
  }

  private acknowledgeFunctionFindings(): void {
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The function holds a copy of the password from deploy time: a rotation would lock it out until the next deploy, and the secret lives only as long as the lab stack.',
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The lab pins Node.js 22 (the runtime the lesson and the local runtime describe); moving to a newer runtime is a deliberate change to the lab, not a drift.',
    });
    Validations.of(this.fn.role!).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole is the AWS-maintained minimum for writing the function logs; a copy of it would only drift.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWSLambdaVPCAccessExecutionRole is the AWS-maintained minimum for a function in a VPC (its network interfaces); a copy of it would only drift.',
      },
    );
  }

  private addOutputs(): void {
    const rg = this.cache.replicationGroup;
    const { cluster, secret } = this.database;
    const values: Record<Lab07OutputKey, { value: string; description: string }> = {
      FunctionName: { value: this.fn.functionName, description: 'The Lab 7 Lambda function (invoke it with a GET /users/{id} event)' },
      FunctionLogGroup: { value: this.logGroup.logGroupName, description: 'Log group of the function (deleted with the stack)' },
      ClusterId: { value: cluster.clusterIdentifier, description: 'Aurora DB cluster identifier' },
      ClusterEndpoint: {
        value: cluster.clusterEndpoint.hostname,
        description: 'Cluster (writer) endpoint; a paused cluster takes about 15 s to answer (TLS required)',
      },
      WriterInstanceId: { value: this.database.writerInstanceId, description: 'DB instance identifier of the Serverless v2 writer' },
      DbPort: { value: cluster.clusterEndpoint.port.toString(), description: 'MySQL port' },
      DbName: { value: this.database.databaseName, description: 'Database created in the cluster' },
      DbSecretArn: { value: secret.secretArn, description: 'RDS-managed master secret (for seeding through the bastion; the function never reads it)' },
      DbAppUser: { value: LAB07_DB_APP_USER, description: 'MySQL user the function signs in as (created by the checker through the bastion)' },
      DbAppSecretArn: { value: this.appSecret.secretArn, description: 'Password of the function user' },
      ReplicationGroupId: { value: rg.ref, description: 'ElastiCache replication group id' },
      CachePrimaryEndpoint: { value: rg.attrPrimaryEndPointAddress, description: 'Primary endpoint (TLS required)' },
      CachePort: { value: rg.attrPrimaryEndPointPort, description: 'Primary endpoint port' },
      CacheAuthSecretArn: { value: this.cache.authSecret.secretArn, description: 'Secret holding the AUTH token' },
      BastionInstanceId: { value: this.bastion.instance.instanceId, description: 'SSM-managed bastion for port forwarding' },
    };
    for (const key of LAB07_OUTPUT_KEYS) {
      new CfnOutput(this, key, values[key]);
    }
  }
}

export function addLab07Stack(app: App, options: VariantOptions): ServerlessCacheStack {
  return new ServerlessCacheStack(app, LAB07_STACK_NAME, {
    stackName: LAB07_STACK_NAME,
    env: labEnvironment(),
    function: options.solution ? solutionConfig : learnerConfig,
  });
}

export const lab07Stack: LabStackEntry<ServerlessCacheStack> = { lab: lab07, add: addLab07Stack };
