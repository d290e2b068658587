/** `npm run deploy N -- --azs a,b`: taken out of the arguments, checked, and passed to cdk as `-c azs=a,b`. */
import { describe, expect, it } from 'vitest';
import { cdkArgs, takeAzsFlag } from '../../cli/deploy.js';
import { UsageError } from '../../core/errors.js';

describe('deploy --azs', () => {
  it('takes --azs a,b and --azs=a,b out of the arguments', () => {
    expect(takeAzsFlag(['5', '--azs', 'eu-west-1a,eu-west-1c', '--yes'])).toEqual({ azs: 'eu-west-1a,eu-west-1c', rest: ['5', '--yes'] });
    expect(takeAzsFlag(['5', '--azs=us-east-1b,us-east-1d'])).toEqual({ azs: 'us-east-1b,us-east-1d', rest: ['5'] });
    expect(takeAzsFlag(['5'])).toEqual({ azs: undefined, rest: ['5'] });
  });

  it.each([['eu-west-1a'], ['eu-west-1a,eu-west-1a'], ['eu-west-1a,us-east-1b'], ['a,b'], ['']])('refuses "%s" with one paragraph and the next step', (value) => {
    expect(() => takeAzsFlag(['5', '--azs', value])).toThrow(UsageError);
    expect(() => takeAzsFlag(['5', '--azs', value])).toThrow(/two different Availability Zones of one region/);
    expect(() => takeAzsFlag(['5', '--azs'])).toThrow(UsageError);
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
