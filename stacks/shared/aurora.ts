/**
 * The smallest sensible Aurora MySQL cluster for a lab: private, encrypted
 * with the account's AWS managed key, TLS-only, an RDS-managed master secret,
 * and gone without a trace (no final snapshot, no kept backups) on
 * `cdk destroy`. Either provisioned instances (a writer and readers placed in
 * chosen AZs, Lab 3) or one Serverless v2 writer with a capacity range
 * (Lab 4).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RdsRequirement } from '../../checker/core/lab.js';
import { AURORA_MYSQL_PIN, instanceTypeName, majorVersionOf } from './engine-pins.js';
import { serverlessCapacity, type ServerlessCapacityConfig } from './aurora-config.js';
import { MYSQL_PORT } from './mysql.js';
import { LAB_BACKUP_RETENTION, LAB_REMOVAL_POLICY } from './secure-defaults.js';

/** The Aurora MySQL version the labs pin (stacks/shared/engine-pins.ts says why this one). */
export const AURORA_MYSQL_ENGINE_VERSION = auroraMysqlEngineVersion(AURORA_MYSQL_PIN.engineVersion);

/** A full Aurora MySQL version (`8.0.mysql_aurora.3.10.4`) as CDK's engine version. */
export function auroraMysqlEngineVersion(fullVersion: string): rds.AuroraMysqlEngineVersion {
  return rds.AuroraMysqlEngineVersion.of(fullVersion, majorVersionOf(fullVersion));
}
/** The smallest provisioned class Aurora MySQL 3 offers (it has no small or micro classes). */
export const AURORA_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM);
/** What RDS reports as the class of a Serverless v2 instance. */
export const AURORA_SERVERLESS_INSTANCE_CLASS = 'db.serverless';
export const AURORA_PORT = MYSQL_PORT;

export interface AuroraProvisionedInstances {
  readonly kind: 'provisioned';
  /** The writer's AZ (a deploy-time token is fine). */
  readonly writerAvailabilityZone: string;
  /** One entry per reader: its AZ. */
  readonly readerAvailabilityZones: readonly string[];
}

export interface AuroraServerlessWriter {
  readonly kind: 'serverless';
  readonly capacity: ServerlessCapacityConfig;
}

export interface LabAuroraClusterProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Initial database created in the cluster. */
  readonly databaseName: string;
  /** @default 'admin' */
  readonly username?: string;
  readonly instances: AuroraProvisionedInstances | AuroraServerlessWriter;
  /** @default AURORA_MYSQL_ENGINE_VERSION */
  readonly engineVersion?: rds.AuroraMysqlEngineVersion;
  /**
   * The lab's `requires.rds` entry: the engine version and the instances'
   * class come from it (a serverless writer must require `db.serverless`).
   * @default AURORA_MYSQL_PIN on AURORA_INSTANCE_TYPE
   */
  readonly requires?: RdsRequirement;
  /** Automated backups (point-in-time recovery) kept this long. @default LAB_BACKUP_RETENTION (1 day) */
  readonly backupRetention?: Duration;
  /** IAM database authentication (Lab 7's function signs in with a token, not a password). @default false */
  readonly iamAuthentication?: boolean;
}

export class LabAuroraCluster extends Construct {
  readonly cluster: rds.DatabaseCluster;
  /** The RDS-managed master user secret (username and password). */
  readonly secret: secretsmanager.ISecret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly databaseName: string;
  /** The cluster parameter group (require_secure_transport=ON). */
  readonly parameterGroup: rds.ParameterGroup;
  readonly engineVersion: rds.AuroraMysqlEngineVersion;
  /** The capacity range, for a Serverless v2 writer. */
  readonly serverlessCapacity?: ServerlessCapacityConfig;
  /** How many readers the cluster has (0 for the serverless writer). */
  readonly readerCount: number;

  constructor(scope: Construct, id: string, props: LabAuroraClusterProps) {
    const required = props.requires;
    if (required && required.engine !== AURORA_MYSQL_PIN.engine) {
      throw new Error(`LabAuroraCluster: the lab requires engine "${required.engine}"; this construct creates Aurora MySQL ("${AURORA_MYSQL_PIN.engine}").`);
    }
    const serverless = props.instances.kind === 'serverless';
    if (required && serverless !== (required.instanceClass === AURORA_SERVERLESS_INSTANCE_CLASS)) {
      throw new Error(
        `LabAuroraCluster: the lab requires instance class ${required.instanceClass} but the cluster's writer is ${serverless ? 'Serverless v2' : 'provisioned'}.`,
      );
    }
    const engineVersion = props.engineVersion ?? (required ? auroraMysqlEngineVersion(required.engineVersion) : AURORA_MYSQL_ENGINE_VERSION);
    const instanceType = required && !serverless ? new ec2.InstanceType(instanceTypeName(required.instanceClass)) : AURORA_INSTANCE_TYPE;
    // Reject an impossible capacity range before creating anything.
    const capacity = props.instances.kind === 'serverless' ? serverlessCapacity(props.instances.capacity, engineVersion.auroraMysqlFullVersion) : undefined;
    super(scope, id);
    this.databaseName = props.databaseName;
    this.engineVersion = engineVersion;
    this.serverlessCapacity = capacity;

    const engine = rds.DatabaseClusterEngine.auroraMysql({ version: engineVersion });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Lab Aurora MySQL: inbound 3306 only from the groups the stack allows',
      allowAllOutbound: false,
    });

    // require_secure_transport is a cluster-level parameter in Aurora MySQL 3.
    this.parameterGroup = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine,
      description: 'Lab Aurora MySQL cluster: TLS required',
      parameters: { require_secure_transport: 'ON' },
    });

    // Instance settings both kinds share. Automatic minor upgrades are off as
    // AWS advises for an LTS release, so the version stays what the lab
    // metadata (and the checker) expects.
    const instanceDefaults = { publiclyAccessible: false, autoMinorVersionUpgrade: false };
    let writer: rds.IClusterInstance;
    let readers: rds.IClusterInstance[] = [];
    if (props.instances.kind === 'provisioned') {
      writer = rds.ClusterInstance.provisioned('Writer', {
        ...instanceDefaults,
        instanceType,
        availabilityZone: props.instances.writerAvailabilityZone,
      });
      readers = props.instances.readerAvailabilityZones.map((availabilityZone, i) =>
        rds.ClusterInstance.provisioned(`Reader${i + 1}`, {
          ...instanceDefaults,
          instanceType,
          availabilityZone,
        }),
      );
    } else {
      writer = rds.ClusterInstance.serverlessV2('Writer', instanceDefaults);
    }
    this.readerCount = readers.length;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      writer,
      readers,
      ...(capacity && {
        serverlessV2MinCapacity: capacity.minCapacity,
        serverlessV2MaxCapacity: capacity.maxCapacity,
        serverlessV2AutoPauseDuration: capacity.autoPauseSeconds === undefined ? undefined : Duration.seconds(capacity.autoPauseSeconds),
      }),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      port: AURORA_PORT,
      credentials: rds.Credentials.fromUsername(props.username ?? 'admin'),
      // RDS creates, rotates and deletes the secret with the cluster.
      manageMasterUserPassword: true,
      defaultDatabaseName: props.databaseName,
      parameterGroup: this.parameterGroup,
      // Explicit, with the account's AWS managed key (aws/rds): DescribeDBClusters
      // then reports StorageEncrypted true and StorageEncryptionType sse-kms.
      // Left out, a cluster created since February 2026 is still encrypted, but
      // with an AWS-owned key and StorageEncrypted false (sse-rds).
      storageEncrypted: true,
      // Only when asked: labs 3 and 4 keep the template they always had.
      ...(props.iamAuthentication ? { iamAuthentication: true } : {}),
      backup: { retention: props.backupRetention ?? LAB_BACKUP_RETENTION },
      deleteAutomatedBackups: true,
      deletionProtection: false,
      removalPolicy: LAB_REMOVAL_POLICY,
    });
    this.secret = this.cluster.secret!;

    const iamAuthAck = {
      id: 'AwsSolutions-RDS6',
      reason:
        'The lab clients sign in with the RDS-managed password from Secrets Manager; IAM database authentication would add a token step the lab does not teach.',
    };
    Validations.of(this.cluster).acknowledge(
      ...(props.iamAuthentication ? [] : [iamAuthAck]),
      {
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection would make cdk destroy fail and leave a billable cluster; the lab database holds only seed data.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason: 'Default port 3306 keeps client setup simple; only the bastion security group can reach it from inside an isolated subnet.',
      },
      {
        id: 'AwsSolutions-RDS14',
        reason:
          'Backtrack is billed per change record and can only be set when the cluster is created; the lab rewinds nothing, and point-in-time recovery from the automated backups is kept.',
      },
    );
  }

  /** The writer's instance identifier (the first the cluster created). */
  get writerInstanceId(): string {
    return this.cluster.instanceIdentifiers[0]!;
  }

  /** Allow `peer` to reach MySQL on every instance of the cluster (adds the ingress and, if needed, the peer's egress). */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    this.cluster.connections.allowFrom(peer, ec2.Port.tcp(AURORA_PORT), description);
  }
}
