import 'aws-sdk-client-mock-vitest/extend';
import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAvailabilityZonesCommand, DescribeInstanceTypeOfferingsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeCacheEngineVersionsCommand, DescribeReservedCacheNodesOfferingsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  DescribeDBEngineVersionsCommand,
  DescribeDBMajorEngineVersionsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { doctorMain } from '../../cli/doctor.js';
import { EnvironmentError, UsageError } from '../../core/errors.js';
import type { CheckResult } from '../../core/result.js';
import { doctorExitCode, MIN_NODE, runDoctor, type DoctorOptions } from '../../ops/doctor-checks.js';
import { labs } from '../../../labs/index.js';
import { ACCOUNT, awsError, fakeOpsClients, fakeRunner, REGION } from './helpers.js';
import { DECEMBER_2026, lifecycleAnswers } from '../aws/helpers.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const ec = mockClient(ElastiCacheClient);
const ec2 = mockClient(EC2Client);

const lab05 = labs.find((l) => l.id === 5)!;
const mysql = lab05.requires!.rds[0]!;
const valkey = lab05.requires!.elasticache[0]!;

const engines = () => ({ redisServer: '/usr/bin/redis-server', mariadbd: '/usr/sbin/mariadbd', installDb: '/usr/bin/mariadb-install-db' });

/** A healthy machine and a healthy account; each test breaks one thing. */
function options(overrides: Partial<DoctorOptions> = {}): DoctorOptions {
  return {
    nodeVersion: '22.12.0',
    npmVersion: '10.9.2',
    run: fakeRunner(),
    locateEngines: engines,
    credentialsConfigured: true,
    clients: fakeOpsClients(),
    platform: 'linux',
    ...overrides,
  };
}

function healthyAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/learner`, UserId: 'AIDAFAKE' });
  cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
    Stacks: [
      {
        StackName: 'CDKToolkit',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
        Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '29' }],
      },
    ],
  });
  ec2.on(DescribeAvailabilityZonesCommand).resolves({
    AvailabilityZones: ['a', 'b', 'c'].map((z) => ({ ZoneName: `${REGION}${z}`, State: 'available', ZoneType: 'availability-zone' })),
  });
  ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
    InstanceTypeOfferings: ['a', 'b', 'c'].map((z) => ({
      InstanceType: 't4g.nano' as const,
      LocationType: 'availability-zone' as const,
      Location: `${REGION}${z}`,
    })),
  });
  // Every engine version and class a lab asks for is offered (Aurora's have no storage type to choose).
  rds
    .on(DescribeDBEngineVersionsCommand)
    .callsFake((input) => ({ DBEngineVersions: [{ Engine: input.Engine, EngineVersion: input.EngineVersion, Status: 'available' }] }));
  rds.on(DescribeOrderableDBInstanceOptionsCommand).callsFake((input) => ({
    OrderableDBInstanceOptions: [
      {
        DBInstanceClass: input.DBInstanceClass,
        StorageType: input.Engine === 'aurora-mysql' ? 'aurora' : 'gp2',
        AvailabilityZones: [{ Name: 'us-east-1a' }, { Name: 'us-east-1b' }],
      },
      {
        DBInstanceClass: input.DBInstanceClass,
        StorageType: input.Engine === 'aurora-mysql' ? 'aurora-iopt1' : 'gp3',
        AvailabilityZones: [{ Name: 'us-east-1a' }, { Name: 'us-east-1b' }, { Name: 'us-east-1c' }],
      },
    ],
  }));
  ec.on(DescribeCacheEngineVersionsCommand).resolves({
    CacheEngineVersions: [{ Engine: 'valkey', EngineVersion: valkey.engineVersion, CacheParameterGroupFamily: 'valkey8' }],
  });
  ec.on(DescribeReservedCacheNodesOfferingsCommand).resolves({
    ReservedCacheNodesOfferings: [{ ReservedCacheNodesOfferingId: 'off-1', CacheNodeType: valkey.nodeType, ProductDescription: 'valkey', Duration: 31536000 }],
  });
}

const byId = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

async function doctor(overrides: Partial<DoctorOptions> = {}) {
  const results = await runDoctor(options(overrides));
  return { results, by: byId(results), exit: doctorExitCode(results) };
}

beforeEach(() => {
  for (const m of [sts, cfn, rds, ec, ec2]) m.reset();
  healthyAccount();
});

describe('a ready machine and account', () => {
  it('passes every line and exits 0', async () => {
    const { results, exit } = await doctor();
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(exit).toBe(0);
    const ids = results.map((r) => r.id);
    expect(ids).toEqual([
      'node',
      'npm',
      'local-engines',
      'aws-cli',
      'ssm-plugin',
      'aws-credentials',
      'cdk-bootstrap',
      'azs',
      'lab01-rds-mysql-version',
      'lab01-rds-db.t4g.micro',
      'lab01-azs',
      'lab02-rds-mysql-version',
      'lab02-rds-db.t4g.micro',
      'lab02-azs',
      'lab03-rds-aurora-mysql-version',
      'lab03-rds-db.t4g.medium',
      'lab03-azs',
      'lab04-rds-aurora-mysql-version',
      'lab04-rds-db.serverless',
      'lab04-azs',
      'lab05-rds-mysql-version',
      'lab05-rds-db.t4g.micro',
      'lab05-elasticache-valkey-version',
      'lab05-elasticache-cache.t4g.micro',
      'lab05-azs',
      'lab06-rds-mysql-version',
      'lab06-rds-db.t4g.medium',
      'lab06-azs',
      'lab07-rds-aurora-mysql-version',
      'lab07-rds-db.serverless',
      'lab07-elasticache-valkey-version',
      'lab07-elasticache-cache.t4g.micro',
      'lab07-azs',
    ]);
  });

  it('names the account and region, and checks exactly what the lab metadata declares', async () => {
    const { by } = await doctor();
    expect(by['aws-credentials']!.name).toBe(`AWS credentials: account ${ACCOUNT}, region ${REGION}`);
    expect(rds).toHaveReceivedCommandWith(DescribeDBEngineVersionsCommand, { Engine: 'mysql', EngineVersion: mysql.engineVersion });
    expect(rds).toHaveReceivedCommandWith(DescribeOrderableDBInstanceOptionsCommand, {
      Engine: 'mysql',
      EngineVersion: mysql.engineVersion,
      DBInstanceClass: 'db.t4g.micro',
    });
    expect(ec).toHaveReceivedCommandWith(DescribeCacheEngineVersionsCommand, { Engine: 'valkey', EngineVersion: valkey.engineVersion });
    expect(ec).toHaveReceivedCommandWith(DescribeReservedCacheNodesOfferingsCommand, { CacheNodeType: 'cache.t4g.micro' });
    expect(by['lab05-elasticache-cache.t4g.micro']!.message).toMatch(/no orderable-options API/);
  });

  it('checks every ready lab from its metadata, with no code per lab', async () => {
    const fake = {
      ...lab05,
      id: 9,
      requires: { ...lab05.requires!, rds: [{ engine: 'postgres', engineVersion: '17.6', instanceClass: 'db.t4g.micro' }], elasticache: [] },
    };
    const { by } = await doctor({ labs: [lab05, fake] });
    expect(by['lab09-rds-postgres-version']).toBeDefined();
    expect(rds).toHaveReceivedCommandWith(DescribeDBEngineVersionsCommand, { Engine: 'postgres', EngineVersion: '17.6' });
  });
});

describe('the local part', () => {
  it('fails on an old Node with the way to upgrade', async () => {
    const { by, exit } = await doctor({ nodeVersion: '18.20.4' });
    expect(by.node!.status).toBe('fail');
    expect(by.node!.message).toMatch(/18\.20\.4 is older than 20\.19\.0/);
    expect(by.node!.hint).toMatch(/nvm install 22/);
    expect(exit).toBe(1);
  });

  it('fails on Node 20.18 and passes 20.19.0 exactly', async () => {
    expect((await doctor({ nodeVersion: '20.18.3' })).by.node!.status).toBe('fail');
    expect((await doctor({ nodeVersion: '20.19.0' })).by.node!.status).toBe('pass');
  });

  it('fails on an old or missing npm', async () => {
    const old = (await doctor({ npmVersion: '9.8.1' })).by.npm!;
    expect(old.status).toBe('fail');
    expect(old.hint).toMatch(/npm install -g npm@10/);
    const missing = (await doctor({ npmVersion: undefined, run: fakeRunner({ npm: null }) })).by.npm!;
    if (!process.env.npm_config_user_agent) {
      expect(missing.status).toBe('fail');
      expect(missing.message).toMatch(/not on the PATH/);
    }
  });

  it('fails when the local engines are missing, with how to install them', async () => {
    const { by, exit } = await doctor({
      locateEngines: () => {
        throw new EnvironmentError(
          'The local target needs redis-server, mariadbd, which are not installed on this machine.',
          'sudo apt-get install -y redis-server mariadb-server',
        );
      },
    });
    expect(by['local-engines']!.status).toBe('fail');
    expect(by['local-engines']!.hint).toMatch(/apt-get install -y redis-server mariadb-server/);
    expect(exit).toBe(1);
  });

  it('asks for the engines the ready labs declare', async () => {
    const asked: Array<{ redis: boolean; mysql: boolean }> = [];
    await doctor({
      locateEngines: (need) => {
        asked.push(need);
        return engines();
      },
    });
    expect(asked).toEqual([{ redis: true, mysql: true }]);
  });

  it('fails when the AWS CLI or the Session Manager plugin is missing, with the install steps', async () => {
    const { by, exit } = await doctor({ run: fakeRunner({ aws: null, plugin: null }) });
    expect(by['aws-cli']!.status).toBe('fail');
    expect(by['aws-cli']!.hint).toMatch(/awscli-exe-linux/);
    expect(by['ssm-plugin']!.status).toBe('fail');
    expect(by['ssm-plugin']!.hint).toMatch(/session-manager-plugin\.deb/);
    expect(exit).toBe(1);
  });

  it('passes AWS CLI version 1 with a recommendation to upgrade', async () => {
    const cli = (await doctor({ run: fakeRunner({ aws: '1.45.11' }) })).by['aws-cli']!;
    expect(cli.status).toBe('pass');
    expect(cli.message).toMatch(/version 2 is recommended/);
  });
});

describe('the AWS part', () => {
  it('is one skipped line with --offline, and makes no AWS call', async () => {
    const { by, results, exit } = await doctor({ offline: true });
    expect(by.aws!.status).toBe('skipped');
    expect(by.aws!.message).toMatch(/^AWS part skipped/);
    expect(results.filter((r) => r.group === 'aws')).toHaveLength(1);
    expect(sts.calls()).toHaveLength(0);
    expect(exit).toBe(0);
  });

  it('is skipped, not failed, when no credentials are configured', async () => {
    const { by, exit } = await doctor({ credentialsConfigured: false });
    expect(by.aws!.status).toBe('skipped');
    expect(by.aws!.message).toMatch(/^AWS part skipped: no credentials/);
    expect(sts.calls()).toHaveLength(0);
    expect(exit).toBe(0);
  });

  it('is skipped when the credential chain finds nothing', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const { by, exit } = await doctor();
    expect(by.aws!.status).toBe('skipped');
    expect(by.aws!.message).toMatch(/^AWS part skipped: no credentials/);
    expect(exit).toBe(0);
  });

  it('fails on expired credentials with the refresh step, and checks nothing else', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    const { by, results, exit } = await doctor();
    expect(by['aws-credentials']!.status).toBe('fail');
    expect(by['aws-credentials']!.hint).toMatch(/aws sso login/);
    expect(results.some((r) => r.id === 'cdk-bootstrap')).toBe(false);
    expect(exit).toBe(1);
  });

  it('fails when the region is not bootstrapped, with the bootstrap command for this account and region', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).rejects(awsError('ValidationError', 'Stack with id CDKToolkit does not exist'));
    const { by, exit } = await doctor();
    expect(by['cdk-bootstrap']!.status).toBe('fail');
    expect(by['cdk-bootstrap']!.message).toMatch(/not bootstrapped/);
    expect(by['cdk-bootstrap']!.hint).toContain(`npx cdk bootstrap aws://${ACCOUNT}/${REGION}`);
    expect(exit).toBe(1);
  });

  it('fails on a bootstrap too old for the templates, or a broken toolkit stack', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
      Stacks: [
        { StackName: 'CDKToolkit', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '4' }] },
      ],
    });
    expect((await doctor()).by['cdk-bootstrap']!.message).toMatch(/version 4; the lab stacks need version 6/);
    cfn
      .on(DescribeStacksCommand, { StackName: 'CDKToolkit' })
      .resolves({ Stacks: [{ StackName: 'CDKToolkit', StackStatus: 'UPDATE_ROLLBACK_FAILED', CreationTime: new Date() }] });
    expect((await doctor()).by['cdk-bootstrap']!.message).toMatch(/UPDATE_ROLLBACK_FAILED/);
  });

  it('fails when the RDS engine version is not offered in the region', async () => {
    rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [] });
    const line = (await doctor()).by['lab05-rds-mysql-version']!;
    expect(line.status).toBe('fail');
    expect(line.message).toMatch(/pins mysql 8\.4\.\d+, which is not offered in us-east-1/);
    expect(line.hint).toMatch(/aws rds describe-db-engine-versions --engine mysql/);
  });

  it('fails when the RDS engine version is deprecated', async () => {
    rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ Engine: 'mysql', EngineVersion: mysql.engineVersion, Status: 'deprecated' }] });
    expect((await doctor()).by['lab05-rds-mysql-version']!.message).toMatch(/is deprecated/);
  });

  it('reads the support lifecycle of the pinned major: standard support passes with its end date', async () => {
    rds.on(DescribeDBMajorEngineVersionsCommand).callsFake(lifecycleAnswers().majors);
    const line = (await doctor({ now: DECEMBER_2026 })).by['lab05-rds-mysql-version']!;
    expect(line.status).toBe('pass');
    expect(line.message).toBe(`RDS offers mysql ${mysql.engineVersion} in us-east-1; mysql 8.4 is in standard support until 2029-07-31.`);
    expect(rds).toHaveReceivedCommandWith(DescribeDBMajorEngineVersionsCommand, { Engine: 'mysql', MajorEngineVersion: '8.4' });
  });

  it('fails a pin on a major past standard support, with the Extended Support cost', async () => {
    rds.on(DescribeDBMajorEngineVersionsCommand).callsFake(lifecycleAnswers().majors);
    const pinned80 = { ...lab05, requires: { ...lab05.requires!, rds: [{ ...mysql, engineVersion: '8.0.43' }] } };
    const line = (await doctor({ now: DECEMBER_2026, labs: [pinned80] })).by['lab05-rds-mysql-version']!;
    expect(line.status).toBe('fail');
    expect(line.message).toMatch(
      /pins mysql 8\.0\.43, but RDS ended standard support for mysql 8\.0 on 2026-07-31: the lab would run on paid Extended Support\. .*db\.t4g\.micro \(2 vCPUs\) about \$0\.20 an hour/,
    );
    expect(line.hint).toContain('aws rds describe-db-major-engine-versions --engine mysql');
  });

  it('fails when the instance class is not orderable, or not with gp3, or in too few AZs', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    const none = (await doctor()).by['lab05-rds-db.t4g.micro']!;
    expect(none.status).toBe('fail');
    expect(none.message).toMatch(/not orderable/);
    expect(none.hint).toMatch(/aws rds describe-orderable-db-instance-options/);

    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.t4g.micro', StorageType: 'gp2' }] });
    expect((await doctor()).by['lab05-rds-db.t4g.micro']!.message).toMatch(/not with gp3/);

    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
      OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.t4g.micro', StorageType: 'gp3', AvailabilityZones: [{ Name: 'us-east-1a' }] }],
    });
    expect((await doctor()).by['lab05-rds-db.t4g.micro']!.message).toMatch(/only 1 Availability Zone/);
  });

  it('fails when the ElastiCache engine version is not offered, or its family differs', async () => {
    ec.on(DescribeCacheEngineVersionsCommand).resolves({ CacheEngineVersions: [] });
    const line = (await doctor()).by['lab05-elasticache-valkey-version']!;
    expect(line.status).toBe('fail');
    expect(line.hint).toMatch(/aws elasticache describe-cache-engine-versions --engine valkey/);

    ec.on(DescribeCacheEngineVersionsCommand).rejects(awsError('InvalidParameterValue', 'Invalid engine version'));
    expect((await doctor()).by['lab05-elasticache-valkey-version']!.status).toBe('fail');

    ec.on(DescribeCacheEngineVersionsCommand).resolves({
      CacheEngineVersions: [{ Engine: 'valkey', EngineVersion: valkey.engineVersion, CacheParameterGroupFamily: 'valkey9' }],
    });
    expect((await doctor()).by['lab05-elasticache-valkey-version']!.message).toMatch(/family valkey9/);
  });

  it('names newer Valkey major versions on offer without failing the pinned one', async () => {
    ec.on(DescribeCacheEngineVersionsCommand, { Engine: 'valkey', EngineVersion: valkey.engineVersion }).resolves({
      CacheEngineVersions: [{ Engine: 'valkey', EngineVersion: valkey.engineVersion, CacheParameterGroupFamily: 'valkey8' }],
    });
    ec.on(DescribeCacheEngineVersionsCommand, { Engine: 'valkey' }).resolves({
      CacheEngineVersions: ['7.2', '8.0', '8.1', '8.2', '9.0', '9.1'].map((v) => ({
        Engine: 'valkey',
        EngineVersion: v,
        CacheParameterGroupFamily: `valkey${v[0]}`,
      })),
    });
    const line = (await doctor()).by['lab05-elasticache-valkey-version']!;
    expect(line.status).toBe('pass');
    expect(line.message).toContain('Newer valkey versions on offer: 9.0, 9.1 (the lab stays on 8.2; the lesson says why).');
  });

  it('fails when the cache node type is not on sale in the region', async () => {
    ec.on(DescribeReservedCacheNodesOfferingsCommand).resolves({ ReservedCacheNodesOfferings: [] });
    const line = (await doctor()).by['lab05-elasticache-cache.t4g.micro']!;
    expect(line.status).toBe('fail');
    expect(line.message).toMatch(/does not sell cache\.t4g\.micro/);
  });

  it('fails when one of the two zones the stack would take lacks the bastion type, and names two that fit as --azs', async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
      InstanceTypeOfferings: ['b', 'c'].map((z) => ({
        InstanceType: 't4g.nano' as const,
        LocationType: 'availability-zone' as const,
        Location: `${REGION}${z}`,
      })),
    });
    const line = (await doctor({ labs: [lab05] })).by['lab05-azs']!;
    expect(line.status).toBe('fail');
    expect(line.message).toBe(
      'us-east-1a does not offer t4g.nano (bastion): the deploy would fail in that zone. Checked the first two zones of the region, which the stack uses unless told otherwise (us-east-1a, us-east-1b).',
    );
    // db.t4g.micro gp3 is orderable in a, b and c; only b and c have the bastion type.
    expect(line.hint).toBe('Name two zones that offer everything: `npm run deploy 5 -- --azs us-east-1b,us-east-1c` (CDK context azs=us-east-1b,us-east-1c).');
    expect(ec2).toHaveReceivedCommandWith(DescribeInstanceTypeOfferingsCommand, {
      LocationType: 'availability-zone',
      Filters: [{ Name: 'instance-type', Values: ['t4g.nano'] }],
    });
  });

  it('checks the zones --azs names, and a DB class missing from one of them', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
      OrderableDBInstanceOptions: [
        { DBInstanceClass: mysql.instanceClass, StorageType: 'gp3', AvailabilityZones: [{ Name: 'us-east-1a' }, { Name: 'us-east-1b' }] },
      ],
    });
    const named = (await doctor({ labs: [lab05], azs: ['us-east-1a', 'us-east-1c'] })).by['lab05-azs']!;
    expect(named.status).toBe('fail');
    expect(named.message).toContain('us-east-1c does not offer db.t4g.micro (mysql)');
    expect(named.message).toContain('the zones you named with --azs');
    expect(named.hint).toContain('--azs us-east-1a,us-east-1b');
    const fine = (await doctor({ labs: [lab05], azs: ['us-east-1a', 'us-east-1b'] })).by['lab05-azs']!;
    expect(fine).toMatchObject({
      status: 'pass',
      message: 'us-east-1a and us-east-1b (the zones you named with --azs) both offer t4g.nano (bastion) and db.t4g.micro (mysql).',
    });
  });

  it('says to change region when fewer than two zones offer everything', async () => {
    ec2
      .on(DescribeInstanceTypeOfferingsCommand)
      .resolves({ InstanceTypeOfferings: [{ InstanceType: 't4g.nano', LocationType: 'availability-zone', Location: `${REGION}c` }] });
    expect((await doctor({ labs: [lab05] })).by['lab05-azs']!.hint).toBe(
      'Only us-east-1c of us-east-1 offers everything the lab needs; deploy to another region (--region).',
    );
  });

  it('fails with one Availability Zone', async () => {
    ec2.on(DescribeAvailabilityZonesCommand).resolves({ AvailabilityZones: [{ ZoneName: 'us-east-1a', State: 'available' }] });
    const { by, exit } = await doctor();
    expect(by.azs!.status).toBe('fail');
    expect(by.azs!.message).toMatch(/has 1 available Availability Zone \(us-east-1a\)/);
    expect(exit).toBe(1);
  });

  it('explains a missing permission on one line and still runs the others', async () => {
    ec2
      .on(DescribeAvailabilityZonesCommand)
      .rejects(
        awsError('UnauthorizedOperation', `User: arn:aws:iam::${ACCOUNT}:user/learner is not authorized to perform: ec2:DescribeAvailabilityZones`, 403),
      );
    const { by } = await doctor();
    expect(by.azs!.status).toBe('fail');
    expect(by.azs!.message).toMatch(/missing the IAM permission ec2:DescribeAvailabilityZones/);
    expect(by['cdk-bootstrap']!.status).toBe('pass');
  });
});

describe('npm run doctor', () => {
  const fixed = (results: CheckResult[]) => async () => results;

  it('prints the results as JSON and exits 0 when nothing fails', async () => {
    let json = '';
    const code = await doctorMain(['--json'], { doctor: fixed(await runDoctor(options())), stdout: (t) => (json += t), stderr: () => undefined });
    const doc = JSON.parse(json) as { schema: string; status: string; checks: CheckResult[] };
    expect(doc.schema).toBe('data-tier-labs/doctor@1');
    expect(doc.status).toBe('pass');
    expect(doc.checks.length).toBeGreaterThan(5);
    expect(code).toBe(0);
  });

  it('exits 1 when a line fails and prints each fix', async () => {
    let text = '';
    const code = await doctorMain(['--no-color'], { doctor: fixed(await runDoctor(options({ nodeVersion: '18.0.0' }))), stderr: (t) => (text += t) });
    expect(code).toBe(1);
    expect(text).toMatch(/✘ FAIL\s+Node\.js 18\.0\.0/);
    expect(text).toMatch(/hint: Install Node\.js 22 LTS/);
  });

  it('passes --offline, --profile and --region through', async () => {
    let seen: DoctorOptions | undefined;
    await doctorMain(['--offline', '--profile', 'class', '--region', 'eu-west-1'], {
      doctor: async (o) => {
        seen = o;
        return [];
      },
      stderr: () => undefined,
    });
    expect(seen).toMatchObject({ offline: true, profile: 'class', region: 'eu-west-1' });
  });

  it('is a usage error (exit 2) on an unknown flag', async () => {
    await expect(doctorMain(['--bogus'])).rejects.toBeInstanceOf(UsageError);
    await expect(doctorMain(['--bogus'])).rejects.toMatchObject({ exitCode: 2 });
  });
});

it('keeps MIN_NODE equal to package.json engines.node', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${MIN_NODE.replace(/\.0$/, '')}`);
});

describe('--offline on a machine that is fine for local work', () => {
  it('lists a missing Session Manager plugin and AWS CLI without failing the machine', async () => {
    const { by, exit } = await doctor({ offline: true, run: fakeRunner({ aws: null, plugin: null }) });
    expect(by['ssm-plugin']!.status).toBe('skipped');
    expect(by['ssm-plugin']!.message).toMatch(/Local work does not need it/);
    expect(by['ssm-plugin']!.hint).toMatch(/session-manager-plugin\.deb/);
    expect(by['aws-cli']!.status).toBe('skipped');
    expect(exit).toBe(0);
    let text = '';
    const code = await doctorMain(['--offline', '--no-color'], {
      doctor: async () => runDoctor(options({ offline: true, run: fakeRunner({ plugin: null }) })),
      stderr: (t) => (text += t),
    });
    expect(code).toBe(0);
    expect(text).not.toMatch(/Fix the failing lines/);
  });

  it('still fails what local work needs (the engines)', async () => {
    const { by, exit } = await doctor({
      offline: true,
      locateEngines: () => {
        throw new EnvironmentError('The local target needs redis-server.', 'sudo apt-get install -y redis-server');
      },
    });
    expect(by['local-engines']!.status).toBe('fail');
    expect(exit).toBe(1);
  });

  it('refuses `npm run doctor --offline` (npm kept the flag) instead of running the online doctor', async () => {
    const { parseDoctorFlags } = await import('../../cli/doctor.js');
    expect(() => parseDoctorFlags([], { npm_lifecycle_event: 'doctor', npm_config_offline: 'true' })).toThrow(/npm took --offline for itself/);
    expect(parseDoctorFlags(['--offline'], { npm_lifecycle_event: 'doctor' }).offline).toBe(true);
  });

  it('says the AWS CLI v1 advice once', async () => {
    const cli = (await doctor({ run: fakeRunner({ aws: '1.45.11' }) })).by['aws-cli']!;
    expect(cli.message.match(/version 2 is recommended/g)).toHaveLength(1);
    expect(cli.message).not.toMatch(/Your AWS CLI is version/);
  });

  it('--help goes to stdout', async () => {
    let out = '';
    let err = '';
    expect(await doctorMain(['--help'], { stdout: (t) => (out += t), stderr: (t) => (err += t) })).toBe(0);
    expect(out).toMatch(/^Usage: npm run doctor/);
    expect(err).toBe('');
  });
});
