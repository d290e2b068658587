/**
 * With nothing set up, every AWS command asks for the same thing first:
 * credentials, then the region. Inside the lab menu, where no flag can be
 * typed, the advice is how to set them before starting the lab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeAwsClients, destroyAwsClients } from '../../aws/clients.js';
import { MissingRegionError, whoAmI } from '../../aws/errors.js';
import { EnvironmentError } from '../../core/errors.js';
import { checkMain } from '../../cli/check.js';
import { deployMain } from '../../cli/deploy.js';
import { labMenu, type Ask, type MenuAction } from '../../cli/lab.js';
import { parseFlags } from '../../cli/args.js';
import { makeChalk } from '../../cli/terminal.js';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';

const saved = { ...process.env };

beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.HOME = '/nonexistent-home';
  process.env.CI = 'true';
});

afterEach(() => {
  process.env = { ...saved };
  vi.restoreAllMocks();
});

async function failure(run: () => Promise<unknown>): Promise<EnvironmentError> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EnvironmentError);
  return err as EnvironmentError;
}

describe('neither credentials nor region', () => {
  it('check --target aws asks for credentials first (it used to ask for a region)', async () => {
    const err = await failure(() => checkMain(['5', '--target', 'aws', '--json']));
    expect(err.message).toMatch(/no AWS credentials were found/);
    expect(err.message).toMatch(/No AWS region is set either\.$/);
    expect(err.nextStep).toMatch(/`aws configure` \(access keys and a default region\)/);
  });

  it('deploy asks in the same order and words', async () => {
    const err = await failure(() => deployMain(['deploy', '5', '--yes']));
    expect(err.message).toMatch(/^No AWS credentials were found\..*No AWS region is set either\./);
    expect(err.nextStep).toMatch(/`aws configure` \(access keys and a default region\)/);
  });
});

describe('credentials but no region', () => {
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFORTESTS0000';
    process.env.AWS_SECRET_ACCESS_KEY = 'fake';
  });

  it('whoAmI says the region is missing (and makes no call)', async () => {
    const clients = makeAwsClients({ maxAttempts: 1 });
    const err = await whoAmI(clients).catch((e: unknown) => e);
    destroyAwsClients(clients);
    expect(err).toBeInstanceOf(MissingRegionError);
    expect((err as Error).message).toMatch(/^No AWS region is set/);
  });

  it('check and deploy both say the region', async () => {
    expect((await failure(() => checkMain(['5', '--target', 'aws', '--json']))).message).toMatch(/^No AWS region is set/);
    expect((await failure(() => deployMain(['deploy', '5', '--yes']))).message).toMatch(/^No AWS region is set/);
  });
});

describe('inside the lab menu', () => {
  it('says how to set a profile before starting the lab, not --profile', async () => {
    const script: MenuAction[] = ['check-aws', 'quit'];
    const ask = (async () => script.shift()) as Ask;
    let said = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      said += String(chunk);
      return true;
    });
    await labMenu(lab05, parseFlags(['5', '--no-color'], ''), makeChalk({ noColor: true }), ask);
    vi.restoreAllMocks();
    expect(said).toMatch(/no AWS credentials were found/);
    expect(said).toContain('AWS_PROFILE=<name> npm run lab 5');
    expect(said).not.toMatch(/pass --profile/);
  });
});
