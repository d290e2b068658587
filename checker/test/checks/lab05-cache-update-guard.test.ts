/**
 * `npm run deploy 5` refuses the Lab 5 update CloudFormation would reject
 * (replicas and automatic failover in one go), reading the deployed template
 * with GetTemplate: mocked with aws-sdk-client-mock, over the wire in
 * CloudFormation's real awsQuery XML, and through deployMain itself.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployMain } from '../../cli/deploy.js';
import { UsageError } from '../../core/errors.js';
import { deployedTemplate, refuseImpossibleCacheUpdate, synthesisedLab05Template } from '../../checks/05-elasticache-redis/cache-update-guard.js';
import { fixture, startWireServer, xml } from '../aws/wire-server.js';

const STACK = 'DataTierLabs-05-ElastiCacheRedis';
const CREDENTIALS = { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake' };

let learnerTemplate: unknown;
let solutionTemplate: unknown;

beforeAll(async () => {
  learnerTemplate = await synthesisedLab05Template(false);
  solutionTemplate = await synthesisedLab05Template(true);
}, 120_000);

const withReplicas = (template: unknown, numCacheClusters: number): unknown => {
  const copy = structuredClone(template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  for (const r of Object.values(copy.Resources)) if (r.Type === 'AWS::ElastiCache::ReplicationGroup') r.Properties.NumCacheClusters = numCacheClusters;
  return copy;
};

describe('refuseImpossibleCacheUpdate', () => {
  it('refuses the single jump from one node to Multi-AZ with failover, with the two-step advice', () => {
    let thrown: unknown;
    try {
      refuseImpossibleCacheUpdate(learnerTemplate, solutionTemplate, 'labs/05-elasticache-redis/stack-config.ts');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    const err = thrown as UsageError;
    expect(err.message).toMatch(/^Not deploying: .*1 -> 3 nodes.*Nothing was changed\.$/);
    expect(err.nextStep).toMatch(/two steps: first set only replicasPerPrimary.*deploy again\..*labs\/05-elasticache-redis\/stack-config\.ts/);
  });

  it('lets each of the two steps through, and a first deploy of the finished group', () => {
    const replicasFirst = withReplicas(learnerTemplate, 3);
    expect(() => refuseImpossibleCacheUpdate(learnerTemplate, replicasFirst, 'x')).not.toThrow();
    expect(() => refuseImpossibleCacheUpdate(replicasFirst, solutionTemplate, 'x')).not.toThrow();
    expect(() => refuseImpossibleCacheUpdate(undefined, solutionTemplate, 'x')).not.toThrow();
  });
});

describe('deployedTemplate with a mocked CloudFormation', () => {
  let cfn: AwsClientStub<CloudFormationClient>;
  beforeEach(() => {
    cfn = mockClient(CloudFormationClient);
  });
  afterEach(() => cfn.restore());

  it('parses the original template body', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(learnerTemplate), StagesAvailable: ['Original', 'Processed'] });
    const client = new CloudFormationClient({ region: 'us-east-1', credentials: CREDENTIALS });
    await expect(deployedTemplate(client, STACK, 'us-east-1')).resolves.toEqual(learnerTemplate);
    expect(cfn).toHaveReceivedCommandWith(GetTemplateCommand, { StackName: STACK, TemplateStage: 'Original' });
  });

  it('is undefined for a stack that does not exist yet (a first deploy)', async () => {
    cfn
      .on(GetTemplateCommand)
      .rejects(Object.assign(new Error(`Stack with id ${STACK} does not exist`), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }));
    const client = new CloudFormationClient({ region: 'us-east-1', credentials: CREDENTIALS });
    await expect(deployedTemplate(client, STACK, 'us-east-1')).resolves.toBeUndefined();
  });
});

describe('deployedTemplate over the wire (awsQuery XML)', () => {
  it('reads a GetTemplateResponse and a missing stack', async () => {
    const escaped = JSON.stringify(withReplicas(learnerTemplate, 3)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    let missing = false;
    const server = await startWireServer(() =>
      missing
        ? xml(fixture('cloudformation-error-stack-missing.xml'), 400)
        : xml(fixture('cloudformation-get-template-lab05.template.xml', { TemplateBody: escaped })),
    );
    const client = new CloudFormationClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const template = await deployedTemplate(client, STACK, 'us-east-1');
      expect(template).toEqual(withReplicas(learnerTemplate, 3));
      expect(server.requests[0]?.operation).toBe('GetTemplate');
      expect(server.requests[0]?.form?.get('TemplateStage')).toBe('Original');
      missing = true;
      await expect(deployedTemplate(client, STACK, 'us-east-1')).resolves.toBeUndefined();
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

describe('npm run deploy 5 refuses before cdk runs', () => {
  let cfn: AwsClientStub<CloudFormationClient>;
  const saved = { ...process.env };
  beforeEach(() => {
    cfn = mockClient(CloudFormationClient);
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    process.env.AWS_REGION = 'us-east-1';
  });
  afterEach(() => {
    cfn.restore();
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('stops with the two-step advice when the deployed group is one node and the finished one is asked for', async () => {
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(learnerTemplate) });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const run = deployMain(['deploy', '5', '--solutions', '--skip-doctor', '--yes', '--region', 'us-east-1']);
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(/Not deploying: .*automaticFailover/);
    expect(cfn).toHaveReceivedCommandWith(GetTemplateCommand, { StackName: STACK });
  }, 120_000);
});
