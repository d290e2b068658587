/**
 * The lesson-support checkers reject what they should: each lesson test
 * leans on them, so a checker that cannot fail would make every lesson pass.
 */
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../checker/cli/args.js';
import {
  splitSql,
  cliName,
  cliService,
  awsCommands,
  awsCommandProblems,
  awsCommandListProblems,
  mermaidProblems,
  brokenLinks,
  resolvedLinks,
  kitCommandProblems,
  npmCommands,
  signatureProblems,
  labFactProblems,
  configField,
  type Fence,
} from './lesson-support.js';

describe('splitSql follows the mysql client', () => {
  it('splits on semicolons outside quotes and drops comments', () => {
    expect(splitSql('SELECT 1; SELECT \'a;b\' AS x;\n-- a comment; still a comment\nSELECT "c" # trailing\n;')).toEqual([
      'SELECT 1',
      "SELECT 'a;b' AS x",
      'SELECT "c"',
    ]);
    expect(splitSql("INSERT INTO t VALUES ('it''s', 'a\\'b'); /* x; y */ SELECT 2")).toEqual(["INSERT INTO t VALUES ('it''s', 'a\\'b')", 'SELECT 2']);
    expect(splitSql('SELECT 1--2')).toEqual(['SELECT 1--2']);
  });
});

describe('the lesson-support checkers reject what they should', () => {
  it('turns API names into AWS CLI names the way botocore does', () => {
    expect(['FailoverDBCluster', 'DBClusterIdentifier', 'PerformanceInsightsKMSKeyId', 'OKActions', 'PeriodInSeconds'].map(cliName)).toEqual([
      'failover-db-cluster',
      'db-cluster-identifier',
      'performance-insights-kms-key-id',
      'ok-actions',
      'period-in-seconds',
    ]);
  });

  it('flags an unknown operation, option, waiter or shorthand key', () => {
    const rds = cliService('rds');
    const fence = (body: string): Fence => ({ lang: 'bash', body, line: 1, info: '' });
    const problems = (body: string) => awsCommands([fence(body)]).flatMap((c) => awsCommandProblems(c, rds));
    expect(problems('aws rds failover-db-cluster --db-cluster-identifier x --target-db-instance-identifier y')).toEqual([]);
    expect(problems('aws rds failover-cluster --db-cluster-identifier x')).toHaveLength(1);
    expect(problems('aws rds failover-db-cluster --cluster-identifier x')).toHaveLength(1);
    expect(problems('aws rds wait db-cluster-ready --db-cluster-identifier x')).toHaveLength(1);
    expect(
      problems(
        'X=$(aws rds modify-db-cluster --db-cluster-identifier x \\\n  --serverless-v2-scaling-configuration MinCapacity=0,MaxACU=16 --apply-immediately)',
      ),
    ).toHaveLength(1);
  });

  it('checks every service a lesson uses, and says so when one cannot be checked', () => {
    const fence = (body: string): Fence => ({ lang: 'bash', body, line: 1, info: '' });
    expect(awsCommandListProblems(awsCommands([fence('aws secretsmanager get-secret-value --secret-id x')]))).toEqual([]);
    expect(awsCommandListProblems(awsCommands([fence('aws secretsmanager get-secret --secret-id x')]))).toHaveLength(1);
    expect(awsCommandListProblems(awsCommands([fence('aws nosuchservice do-things --x y')]))).toEqual([expect.stringMatching(/not installed/)]);
  });

  it('flags a malformed mermaid block', () => {
    const fence = (body: string): Fence => ({ lang: 'mermaid', body, line: 1, info: '' });
    expect(mermaidProblems(fence('flowchart LR\n  a[Writer (AZ a)] --> b'), 'x')).toHaveLength(1);
    expect(mermaidProblems(fence('sequenceDiagram\n  participant A as a\n  A->>B: hello'), 'x')).toHaveLength(1);
    expect(mermaidProblems(fence('flowhcart LR'), 'x')).toHaveLength(1);
  });

  it('a link to a file that does not exist is broken, even one "still being written"', () => {
    const links = resolvedLinks('[a](../../README.md) [b](stack-config-not-yet.ts) [c](../../README.md#no-such-heading)', 'labs/01-rds-multi-az/README.md');
    expect(brokenLinks(links)).toEqual(['missing: stack-config-not-yet.ts', 'no heading: ../../README.md#no-such-heading']);
  });

  it('kit commands: another lab only where the lesson may name it, never for deploy; unknown flags and exercises', () => {
    const lab = { id: 2, exercises: [{ id: '01-read-write-router' }] };
    const other = { id: 1, exercises: [{ id: '02-failover-probe' }] };
    const problems = (text: string, mayName = [other]) => kitCommandProblems(npmCommands(text), lab, (argv) => parseFlags(argv, ''), mayName);
    expect(problems('npm run check -- 2 --exercise 01\nnpm run check -- 1 --exercise 02\nnpm run deploy -- 2 --skip-doctor')).toEqual([]);
    expect(problems('npm run check -- 1', [])).toHaveLength(1);
    expect(problems('npm run deploy 1')).toHaveLength(1);
    expect(problems('npm run check -- 2 --exercise 07')).toHaveLength(1);
    expect(problems('npm run check 2 --target local')).toHaveLength(1);
    expect(problems('npm run check -- 2 --bogus')).toHaveLength(1);
  });

  it('a missing exercise file or a renamed parameter is a signature problem', () => {
    expect(signatureProblems('', [{ id: 'no-such-exercise', exports: ['f'] }], 'labs/01-rds-multi-az/exercises')).toEqual([
      'labs/01-rds-multi-az/exercises/no-such-exercise.ts does not exist',
    ]);
    expect(signatureProblems('`probeOnce(nope)`', [{ id: '02-failover-probe', exports: ['probeOnce'] }], 'labs/01-rds-multi-az/exercises')).toEqual(
      expect.arrayContaining([expect.stringMatching(/"nope"/)]),
    );
  });

  it('figures that disagree with lab.ts: deployment minutes, instance class, engine version', () => {
    const lab = {
      deployMinutes: 25,
      cost: { usdPerHour: 0.05 },
      requires: { rds: [{ engineVersion: '8.4.10', instanceClass: 'db.t4g.micro' }], elasticache: [] },
    };
    const lesson = (minutes: string, klass: string, version: string) =>
      `| Time | about 3 hours, plus about ${minutes} minutes for the deployment |\n| Cost on AWS | about $0.05 per hour (one ${klass}) |\n\nMySQL ${version}`;
    expect(labFactProblems(lesson('25', 'db.t4g.micro', '8.4.10'), lab)).toEqual([]);
    expect(labFactProblems(lesson('20-25', 'db.t4g.micro', '8.4.10'), lab)).toEqual([]);
    expect(labFactProblems(lesson('30', 'db.t4g.micro', '8.4.10'), lab)).toHaveLength(1);
    expect(labFactProblems(lesson('25', 'db.t4g.small', '8.4.10'), lab)).toHaveLength(1);
    expect(labFactProblems(lesson('25', 'db.t4g.micro', '8.4.7'), lab)).toHaveLength(1);
  });

  it('reads a stack-config field from its declaration, not from a comment that names it', () => {
    expect(configField('/* TODO: set multiAz: true */\nexport const config = {\n  multiAz: false,\n};', 'multiAz')).toBe('false');
  });
});
