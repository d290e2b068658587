/**
 * The smallest sensible RDS for MySQL instance for a lab: encrypted, private,
 * TLS-only, and gone without a trace (no final snapshot, no kept backups) on
 * `cdk destroy`.
 */
import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { LAB_BACKUP_RETENTION, LAB_REMOVAL_POLICY } from './secure-defaults.js';

export const MYSQL_ENGINE_VERSION = rds.MysqlEngineVersion.VER_8_4_10;
export const MYSQL_PORT = 3306;

export interface LabMysqlProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Initial database created on the instance. */
  readonly databaseName: string;
  /** @default 'admin' */
  readonly username?: string;
}

export class LabMysql extends Construct {
  readonly instance: rds.DatabaseInstance;
  readonly secret: rds.DatabaseSecret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: LabMysqlProps) {
    super(scope, id);
    this.databaseName = props.databaseName;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Lab MySQL: inbound 3306 only from the groups the stack allows',
      allowAllOutbound: false,
    });

    // A secret the stack owns (rather than manageMasterUserPassword) because
    // the attachment below adds host, port and dbname to it: one read gives a
    // client everything it needs.
    this.secret = new rds.DatabaseSecret(this, 'Secret', {
      username: props.username ?? 'admin',
      dbname: props.databaseName,
    });
    this.secret.applyRemovalPolicy(LAB_REMOVAL_POLICY);

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: MYSQL_ENGINE_VERSION }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      port: MYSQL_PORT,
      credentials: rds.Credentials.fromSecret(this.secret),
      databaseName: props.databaseName,
      allocatedStorage: 20,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      publiclyAccessible: false,
      multiAz: false,
      // Clients must use TLS (mysql2 `ssl: {}`; mysql CLI --ssl-mode=REQUIRED).
      parameters: { require_secure_transport: 'ON' },
      backupRetention: LAB_BACKUP_RETENTION,
      deleteAutomatedBackups: true,
      deletionProtection: false,
      removalPolicy: LAB_REMOVAL_POLICY,
    });

    Validations.of(this.instance).acknowledge(
      {
        id: 'AwsSolutions-RDS3',
        reason: 'Single-AZ on purpose: Multi-AZ doubles the instance price and this lab practises failover on the cache, not the database.',
      },
      {
        id: 'AwsSolutions-RDS10',
        reason: 'Deletion protection would make cdk destroy fail and leave a billable instance; the lab database holds only seed data.',
      },
      {
        id: 'AwsSolutions-RDS11',
        reason: 'Default port 3306 keeps client setup simple; only the bastion security group can reach it from inside an isolated subnet.',
      },
    );
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A lab stack lives for hours and is destroyed with its secret; a rotation Lambda would outlive neither and adds cost.',
    });
  }

  /** Allow `peer` to reach MySQL (adds the ingress and, if needed, the peer's egress). */
  allowFrom(peer: ec2.IConnectable, description: string): void {
    // A literal port: the instance's default port is a deploy-time token.
    this.instance.connections.allowFrom(peer, ec2.Port.tcp(MYSQL_PORT), description);
  }
}
