/**
 * The smallest sensible RDS for MySQL instance for a lab: encrypted, private,
 * TLS-only, and gone without a trace (no final snapshot, no kept backups) on
 * `cdk destroy`. The defaults are Lab 5's database; the options turn it into
 * the Lab 1 and Lab 2 primaries (Multi-AZ, longer backups, storage
 * autoscaling, Enhanced Monitoring, an RDS-managed secret, read replicas).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RdsRequirement } from '../../checker/core/lab.js';
import { instanceTypeName, majorVersionOf, MYSQL_PIN } from './engine-pins.js';
import { assertPerformanceInsightsClass } from './performance-insights.js';
import { LAB_BACKUP_RETENTION, LAB_REMOVAL_POLICY } from './secure-defaults.js';

/**
 * The exact version the labs pin (stacks/shared/engine-pins.ts, which the
 * labs' `requires` spread). Automatic minor upgrades are off on every
 * instance (AUTO_MINOR_VERSION_UPGRADE) so the instance stays on it.
 */
export const MYSQL_ENGINE_VERSION = mysqlEngineVersion(MYSQL_PIN.engineVersion);
export const AUTO_MINOR_VERSION_UPGRADE = false;
export const MYSQL_PORT = 3306;
/** The smallest class that supports Multi-AZ and read replicas (Graviton, burstable). */
export const MYSQL_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
/** The smallest gp3 volume RDS for MySQL accepts. */
export const MYSQL_ALLOCATED_STORAGE_GIB = 20;
export const MYSQL_STORAGE_TYPE = rds.StorageType.GP3;

/** A full RDS for MySQL version as CDK's engine version. */
export function mysqlEngineVersion(fullVersion: string): rds.MysqlEngineVersion {
  return rds.MysqlEngineVersion.of(fullVersion, majorVersionOf(fullVersion));
}

const DEFAULT_SINGLE_AZ_REASON = 'Single-AZ on purpose: Multi-AZ doubles the instance price and this lab practises failover on the cache, not the database.';

export interface LabMysqlProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Initial database created on the instance. */
  readonly databaseName: string;
  /** @default 'admin' */
  readonly username?: string;
  /** Keep a synchronous standby in a second AZ. @default false */
  readonly multiAz?: boolean;
  /**
   * Why Single-AZ is acceptable in this lab (the AwsSolutions-RDS3
   * acknowledgement). Only used when multiAz is false.
   * @default Lab 5's reason (failover is practised on the cache)
   */
  readonly singleAzReason?: string;
  /**
   * The AZ of a Single-AZ instance (a deploy-time token is fine). RDS rejects
   * an AZ on a Multi-AZ instance.
   * @default RDS picks one of the subnet group's AZs
   */
  readonly availabilityZone?: string;
  /** @default LAB_BACKUP_RETENTION (1 day) */
  readonly backupRetention?: Duration;
  /** Storage autoscaling ceiling in GiB. @default no storage autoscaling */
  readonly maxAllocatedStorage?: number;
  /** Enhanced Monitoring interval (1, 5, 10, 15, 30 or 60 s). @default no Enhanced Monitoring */
  readonly monitoringInterval?: Duration;
  /**
   * Let RDS create, own and rotate the master password secret
   * (username and password only). RDS deletes it with the instance.
   * RDS cannot create read replicas of such an instance.
   * @default false: a secret the stack owns, with host, port and dbname added
   */
  readonly manageMasterUserPassword?: boolean;
  /**
   * The class of the instance and its replicas. Performance Insights needs
   * medium or larger.
   * @default MYSQL_INSTANCE_TYPE (db.t4g.micro)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The lab's `requires.rds` entry: engine version, class and storage type
   * come from it, so the template is what the lab metadata says.
   * @default MYSQL_PIN on MYSQL_INSTANCE_TYPE and gp3
   */
  readonly requires?: RdsRequirement;
  /**
   * Performance Insights with this retention and Database Insights mode.
   * Synth fails if the class does not support it (micro and small).
   * @default Performance Insights off
   */
  readonly performanceInsights?: LabPerformanceInsights;
}

export interface LabPerformanceInsights {
  readonly retention: rds.PerformanceInsightRetention;
  readonly databaseInsightsMode: rds.DatabaseInsightsMode;
}

export interface LabMysqlReplicaOptions {
  /** The replica's AZ (a deploy-time token is fine). @default RDS picks one */
  readonly availabilityZone?: string;
}

export class LabMysql extends Construct {
  readonly instance: rds.DatabaseInstance;
  /** The master user secret: owned by the stack, or by RDS with manageMasterUserPassword. */
  readonly secret: secretsmanager.ISecret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly databaseName: string;
  /** The parameter group (require_secure_transport=ON) the instance and its replicas use. */
  readonly parameterGroup: rds.IParameterGroup;
  /** The Enhanced Monitoring role, when monitoringInterval is set. */
  readonly monitoringRole?: iam.Role;
  readonly multiAz: boolean;
  readonly instanceType: ec2.InstanceType;
  readonly engineVersion: rds.MysqlEngineVersion;
  readonly storageType: rds.StorageType;
  private readonly props: LabMysqlProps;
  private readonly replicaList: rds.DatabaseInstanceReadReplica[] = [];

  constructor(scope: Construct, id: string, props: LabMysqlProps) {
    super(scope, id);
    this.props = props;
    this.databaseName = props.databaseName;
    this.multiAz = props.multiAz ?? false;
    if (this.multiAz && props.availabilityZone !== undefined) {
      throw new Error('LabMysql: availabilityZone applies to a Single-AZ instance only; RDS places a Multi-AZ primary and standby itself.');
    }
    const username = props.username ?? 'admin';
    if (props.requires && props.requires.engine !== MYSQL_PIN.engine) {
      throw new Error(`LabMysql: the lab requires engine "${props.requires.engine}"; this construct creates RDS for MySQL ("${MYSQL_PIN.engine}").`);
    }
    this.engineVersion = mysqlEngineVersion(props.requires?.engineVersion ?? MYSQL_PIN.engineVersion);
    this.instanceType = props.instanceType ?? (props.requires ? new ec2.InstanceType(instanceTypeName(props.requires.instanceClass)) : MYSQL_INSTANCE_TYPE);
    this.storageType = (props.requires?.storageType as rds.StorageType | undefined) ?? MYSQL_STORAGE_TYPE;
    if (props.performanceInsights) assertPerformanceInsightsClass(this.instanceType);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Lab MySQL: inbound 3306 only from the groups the stack allows',
      allowAllOutbound: false,
    });

    // By default a secret the stack owns (rather than manageMasterUserPassword)
    // because the attachment adds host, port and dbname to it: one read gives a
    // client everything it needs.
    const ownSecret = props.manageMasterUserPassword ? undefined : new rds.DatabaseSecret(this, 'Secret', { username, dbname: props.databaseName });
    ownSecret?.applyRemovalPolicy(LAB_REMOVAL_POLICY);

    if (props.monitoringInterval !== undefined) {
      // Made here rather than by DatabaseInstance so the nag acknowledgement
      // below can name it.
      this.monitoringRole = new iam.Role(this, 'MonitoringRole', {
        description: 'Lets RDS publish Enhanced Monitoring metrics of the lab database to CloudWatch Logs',
        assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
      });
      this.monitoringRole.applyRemovalPolicy(LAB_REMOVAL_POLICY);
    }

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: this.engineVersion }),
      instanceType: this.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      port: MYSQL_PORT,
      ...(ownSecret
        ? { credentials: rds.Credentials.fromSecret(ownSecret) }
        : { credentials: rds.Credentials.fromUsername(username), manageMasterUserPassword: true }),
      databaseName: props.databaseName,
      allocatedStorage: MYSQL_ALLOCATED_STORAGE_GIB,
      maxAllocatedStorage: props.maxAllocatedStorage,
      storageType: this.storageType,
      storageEncrypted: true,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: AUTO_MINOR_VERSION_UPGRADE,
      multiAz: this.multiAz,
      availabilityZone: props.availabilityZone,
      // Clients must use TLS (mysql2 `ssl: {}`; mysql CLI --ssl-mode=REQUIRED).
      parameters: { require_secure_transport: 'ON' },
      backupRetention: props.backupRetention ?? LAB_BACKUP_RETENTION,
      deleteAutomatedBackups: true,
      monitoringInterval: props.monitoringInterval,
      monitoringRole: this.monitoringRole,
      ...(props.performanceInsights && {
        enablePerformanceInsights: true,
        performanceInsightRetention: props.performanceInsights.retention,
        databaseInsightsMode: props.performanceInsights.databaseInsightsMode,
      }),
      deletionProtection: false,
      removalPolicy: LAB_REMOVAL_POLICY,
    });
    this.secret = ownSecret ?? this.instance.secret!;
    // DatabaseInstance turns `parameters` into this child; sharing it gives
    // replicas the same TLS requirement (their default group would not have it).
    this.parameterGroup = this.instance.node.findChild('ParameterGroup') as rds.ParameterGroup;

    Validations.of(this.instance).acknowledge(
      {
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection would make cdk destroy fail and leave a billable instance; the lab database holds only seed data.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason: 'Default port 3306 keeps client setup simple; only the bastion security group can reach it from inside an isolated subnet.',
      },
    );
    if (!this.multiAz) {
      Validations.of(this.instance).acknowledge({ id: 'AwsSolutions-RDS3', reason: props.singleAzReason ?? DEFAULT_SINGLE_AZ_REASON });
    }
    if (ownSecret) {
      Validations.of(ownSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'A lab stack lives for hours and is destroyed with its secret; a rotation Lambda would outlive neither and adds cost.',
      });
    }
    if (this.monitoringRole) {
      Validations.of(this.monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason:
          'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS documents for Enhanced Monitoring (write to the RDSOS log groups only); a copy would only drift.',
      });
    }
  }

  /** The read replicas added so far, in order. */
  get replicas(): readonly rds.DatabaseInstanceReadReplica[] {
    return this.replicaList;
  }

  /**
   * An asynchronous read replica of the instance: same class, storage type,
   * autoscaling ceiling, parameter group (TLS only) and security group, so
   * whatever may reach the primary may reach the replica too.
   */
  addReadReplica(id: string, options: LabMysqlReplicaOptions = {}): rds.DatabaseInstanceReadReplica {
    if (this.props.manageMasterUserPassword) {
      throw new Error('LabMysql: RDS cannot create a read replica of an instance whose master password it manages in Secrets Manager.');
    }
    if ((this.props.backupRetention ?? LAB_BACKUP_RETENTION).toDays() < 1) {
      throw new Error('LabMysql: a read replica needs automated backups on its source (backupRetention of at least 1 day).');
    }
    const replica = new rds.DatabaseInstanceReadReplica(this, id, {
      sourceDatabaseInstance: this.instance,
      instanceType: this.instanceType,
      vpc: this.props.vpc,
      vpcSubnets: this.props.subnets,
      securityGroups: [this.securityGroup],
      port: MYSQL_PORT,
      availabilityZone: options.availabilityZone,
      // No storageEncrypted: a replica inherits the source's encryption, and
      // setting it is rejected by the template validation (F3020).
      storageType: this.storageType,
      // Same ceiling as the source, so the replica can grow with it.
      maxAllocatedStorage: this.props.maxAllocatedStorage,
      parameterGroup: this.parameterGroup,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: AUTO_MINOR_VERSION_UPGRADE,
      multiAz: false,
      monitoringInterval: this.props.monitoringInterval,
      monitoringRole: this.monitoringRole,
      deleteAutomatedBackups: true,
      deletionProtection: false,
      removalPolicy: LAB_REMOVAL_POLICY,
    });
    this.replicaList.push(replica);

    Validations.of(replica).acknowledge(
      {
        id: 'AwsSolutions-RDS2',
        reason:
          'The replica is encrypted: RDS creates it with the encryption (and key) of its encrypted source; the template may not repeat StorageEncrypted on a replica.',
      },
      {
        id: 'AwsSolutions-RDS3',
        reason: 'A read replica serves reads; it is not a failover target. A Multi-AZ replica would double its price for no lab benefit.',
      },
      {
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection would make cdk destroy fail and leave a billable replica; it holds a copy of seed data only.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason: 'The replica listens on the same default port 3306 as its source; only the bastion security group can reach it from inside an isolated subnet.',
      },
    );
    return replica;
  }

  /** Allow `peer` to reach MySQL on the instance and its replicas (adds the ingress and, if needed, the peer's egress). */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    // A literal port: the instance's default port is a deploy-time token.
    this.instance.connections.allowFrom(peer, ec2.Port.tcp(MYSQL_PORT), description);
  }
}
