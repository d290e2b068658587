/**
 * One client set from one configuration: every service client the checker
 * and the operations use gets the same region, endpoint, credentials and
 * retries, and is built only when first used.
 */
import { PIClient } from '@aws-sdk/client-pi';
import { describe, expect, it } from 'vitest';
import { clientsBuilt, destroyAwsClients, makeAwsClients } from '../../aws/clients.js';
import { piClientFor } from '../../aws/pi-top-sql.js';
import { ec2ClientFor } from '../../aws/rds-resources.js';
import { destroyOpsClients, makeOpsClients } from '../../ops/clients.js';

const OPTIONS = {
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:4599',
  credentials: { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake' },
  maxAttempts: 2,
};
const SERVICES = ['rds', 'elasticache', 'cloudwatch', 'cloudformation', 'secrets', 'sts', 'ec2', 'pi', 'tagging', 'logs'] as const;

interface ResolvedConfig {
  region(): Promise<string>;
  credentials(): Promise<{ accessKeyId: string }>;
  maxAttempts(): Promise<number>;
  endpoint?: () => Promise<{ hostname: string; port?: number; protocol: string }>;
}

describe('every AWS client is built from the one configuration', () => {
  it.each(SERVICES)('%s gets the region, endpoint, credentials and retries', async (service) => {
    const clients = makeOpsClients(OPTIONS);
    try {
      const config = (clients[service] as unknown as { config: ResolvedConfig }).config;
      expect(await config.region()).toBe('eu-west-1');
      expect((await config.credentials()).accessKeyId).toBe('AKIAFAKEFORTESTS0000');
      expect(await config.maxAttempts()).toBe(2);
      expect(await config.endpoint?.()).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 4599 });
    } finally {
      destroyOpsClients(clients);
    }
  });

  it("the PI and EC2 clients a lab check asks for are the run's own, not copies", () => {
    const clients = makeAwsClients(OPTIONS);
    expect(piClientFor(clients)).toEqual({ pi: clients.pi, owned: false });
    expect(ec2ClientFor(clients)).toEqual({ ec2: clients.ec2, owned: false });
    destroyAwsClients(clients);
  });
});

describe('clients are built on first use', () => {
  it('a new set has built nothing; reading a client builds that one only, once', () => {
    const clients = makeOpsClients(OPTIONS);
    expect(clientsBuilt(clients)).toEqual([]);
    const rds = clients.rds;
    expect(clients.rds).toBe(rds);
    expect(clientsBuilt(clients)).toEqual(['rds']);
    void clients.cloudformation;
    expect(clientsBuilt(clients)).toEqual(['rds', 'cloudformation']);
    expect(clientsBuilt(clients)).not.toContain('pi');
    destroyOpsClients(clients);
  });

  it('destroy closes what was built and nothing else; a later read builds a fresh client', () => {
    const clients = makeAwsClients(OPTIONS);
    const sts = clients.sts;
    let destroyed = 0;
    const original = sts.destroy.bind(sts);
    sts.destroy = () => {
      destroyed += 1;
      original();
    };
    destroyAwsClients(clients);
    expect(destroyed).toBe(1);
    expect(clientsBuilt(clients)).toEqual([]);
    expect(clients.sts).not.toBe(sts);
    destroyAwsClients(clients);
  });

  it('a client handed in (a test mock) replaces the built one', () => {
    const clients = makeAwsClients(OPTIONS);
    const mine = new PIClient({ region: 'us-east-1' });
    clients.pi = mine;
    expect(clients.pi).toBe(mine);
    destroyAwsClients(clients);
  });
});
