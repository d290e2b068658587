/** `npm run deploy N -- --azs a,b`: read by the shared flag parser, checked, and passed to cdk as `-c azs=a,b`. */
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../cli/args.js';
import { cdkArgs, checkAzs } from '../../cli/deploy.js';
import { UsageError } from '../../core/errors.js';

describe('deploy --azs', () => {
  it('reads --azs a,b and --azs=a,b as a flag of its own, and leaves the lab number alone', () => {
    const spaced = parseFlags(['5', '--azs', 'eu-west-1a,eu-west-1c', '--yes'], 'usage');
    expect({ lab: spaced.lab, azs: checkAzs(spaced.azs!), yes: spaced.yes }).toEqual({ lab: 5, azs: 'eu-west-1a,eu-west-1c', yes: true });
    const joined = parseFlags(['5', '--azs=us-east-1b,us-east-1d'], 'usage');
    expect({ lab: joined.lab, azs: checkAzs(joined.azs!) }).toEqual({ lab: 5, azs: 'us-east-1b,us-east-1d' });
    expect(parseFlags(['5'], 'usage').azs).toBeUndefined();
  });

  it.each([['eu-west-1a'], ['eu-west-1a,eu-west-1a'], ['eu-west-1a,us-east-1b'], ['a,b']])('refuses "%s" with one paragraph and the next step', (value) => {
    expect(() => checkAzs(value)).toThrow(UsageError);
    expect(() => checkAzs(value)).toThrow(/two different Availability Zones of one region/);
  });

  it('refuses --azs without a value or with an empty one', () => {
    expect(() => parseFlags(['5', '--azs'], 'usage')).toThrow(UsageError);
    expect(() => parseFlags(['5', '--azs', ''], 'usage')).toThrow(UsageError);
  });

  it('refuses --azs that npm kept for itself (written before --), instead of deploying without it', () => {
    const saved = { event: process.env.npm_lifecycle_event, azs: process.env.npm_config_azs };
    process.env.npm_lifecycle_event = 'deploy';
    process.env.npm_config_azs = 'eu-west-1a,eu-west-1c';
    try {
      expect(() => parseFlags(['5'], 'usage', { script: 'deploy', flags: ['azs', 'yes'] })).toThrow(/npm took --azs for itself/);
    } finally {
      for (const [key, value] of [
        ['npm_lifecycle_event', saved.event],
        ['npm_config_azs', saved.azs],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('passes the zones to cdk deploy as CDK context, and not to destroy', () => {
    expect(cdkArgs('deploy', 'DataTierLabs-05-ElastiCacheRedis', { azs: 'eu-west-1a,eu-west-1c' })).toEqual([
      'deploy',
      'DataTierLabs-05-ElastiCacheRedis',
      '--require-approval',
      'never',
      '-c',
      'azs=eu-west-1a,eu-west-1c',
    ]);
    expect(cdkArgs('destroy', 'DataTierLabs-05-ElastiCacheRedis', { azs: 'eu-west-1a,eu-west-1c' })).not.toContain('-c');
  });
});
