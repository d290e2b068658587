/**
 * The one AWS pipeline (cli/aws-target.ts) with a stand-in plan: the
 * credentials preflight against a loopback server in AWS's wire format, then
 * what the pipeline does with a plan - resource checks, --resources-only,
 * checks that replace a resource check once connected, after-run checks and
 * figures merged in one place, clean-ups run whatever happens.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lab05 } from '../../../labs/05-elasticache-redis/lab.js';
import { parseFlags } from '../../cli/args.js';
import { addAfterRun, runOnAws } from '../../cli/aws-target.js';
import type { AwsPlan, AwsPlanContext } from '../../checks/plugin.js';
import type { LabMeta } from '../../core/lab.js';
import type { CheckResult, ResultsDocument } from '../../core/result.js';
import { fixture, startWireServer, xml, type WireServer } from './wire-server.js';

const plans = vi.hoisted(() => ({ current: undefined as AwsPlan | undefined }));
vi.mock('../../../labs/index.js', async (importOriginal) => {
  const registry = await importOriginal<typeof import('../../../labs/index.js')>();
  const findPlugin = (id: number) => {
    const plugin = registry.findPlugin(id);
    return plugin && { ...plugin, aws: async () => plans.current };
  };
  return { ...registry, findPlugin };
});

const KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_PROFILE',
  'HOME',
  'AWS_EC2_METADATA_DISABLED',
] as const;
let saved: Partial<Record<(typeof KEYS)[number], string | undefined>> = {};
let server: WireServer | undefined;

beforeEach(async () => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  server = await startWireServer((req) => {
    if (req.operation === 'GetCallerIdentity') return xml(fixture('sts-get-caller-identity.xml'));
    throw new Error(`unexpected ${req.operation}`);
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0000',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-wire-tests',
    AWS_REGION: 'us-east-1',
    HOME: mkdtempSync(join(tmpdir(), 'dtl-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
});

afterEach(async () => {
  plans.current = undefined;
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await server?.close();
});

const noExercises: LabMeta = { ...lab05, exercises: [] };
const check = (id: string, status: CheckResult['status']): CheckResult => ({ id, name: id, status, message: status, group: 'aws', durationMs: 0 });
const flags = (...extra: string[]) => parseFlags(['5', '--target', 'aws', '--json', ...extra], 'usage');
const endpoints = { target: 'aws' as const, mysql: { host: 'db.example', port: 3306, user: 'u', password: 'p', database: 'labs' } };

describe('runOnAws with a plan', () => {
  it('a lab without a plan is a usage error that says so', async () => {
    await expect(runOnAws({ ...lab05, id: 9 }, flags(), (go) => go({}))).rejects.toThrow('Lab 9 has no AWS checks yet.');
  });

  it('hands the plan the names from the flags, the region and the drills asked for', async () => {
    let seen: AwsPlanContext | undefined;
    plans.current = {
      async inspect(ctx) {
        seen = ctx;
        return { checks: [], endpoints: async () => endpoints };
      },
    };
    await runOnAws(noExercises, flags('--resources-only', '--replication-group', 'rg-1', '--stack', 'S', '--failover-drill'), (go) => go({}));
    expect(seen?.names).toMatchObject({ replicationGroup: 'rg-1', stack: 'S' });
    expect(seen?.region).toBe('us-east-1');
    expect(seen?.drills).toEqual({ failover: true, resume: false });
    expect(seen?.io.quiet).toBe(true);
    // Without --tunnel the targets are reached as given.
    expect(await seen!.reach([{ host: 'h', port: 1 }], undefined)).toEqual([{ host: 'h', port: 1 }]);
    // No endpoints yet (--resources-only): a measurement cannot run.
    await expect(seen!.run('01-x', 'm')).rejects.toThrow(/before the exercises' endpoints were known/);
  });

  it('--resources-only: the resource checks alone; endpoints are never resolved', async () => {
    const resolve = vi.fn(async () => endpoints);
    plans.current = { inspect: async () => ({ checks: [check('05.aws.a', 'pass'), check('05.aws.b', 'fail')], endpoints: resolve }) };
    const told: string[] = [];
    const doc = await runOnAws(noExercises, flags('--resources-only'), (go) => go({ onResult: (c) => told.push(c.id) }));
    expect(doc.checks.map((c) => c.id)).toEqual(['05.aws.a', '05.aws.b']);
    expect(doc.status).toBe('fail');
    expect(told).toEqual(['05.aws.a', '05.aws.b']);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('connected checks replace the resource check of the same id; after-run checks and figures land once, with summary and status', async () => {
    const closed: string[] = [];
    let startedAt: Date | undefined;
    plans.current = {
      async inspect(ctx) {
        ctx.onClose(async () => void closed.push('tunnel'));
        return {
          checks: [check('05.aws.a', 'pass'), check('05.aws.writes', 'skipped')],
          endpoints: async () => endpoints,
          connected: async () => [check('05.aws.writes', 'pass')],
          after: async (_e, at) => {
            startedAt = at;
            return { checks: [check('05.aws.traffic', 'fail')], measurements: { cacheTraffic: { hits: 1 } } };
          },
        };
      },
    };
    const told: string[] = [];
    const doc = await runOnAws(noExercises, flags(), (go) => go({ onResult: (c) => told.push(`${c.id}:${c.status}`) }));
    expect(doc.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['05.aws.a:pass', '05.aws.writes:pass', '05.aws.traffic:fail']);
    expect(told).toEqual(['05.aws.a:pass', '05.aws.writes:skipped', '05.aws.writes:pass', '05.aws.traffic:fail']);
    expect(doc.measurements).toEqual({ cacheTraffic: { hits: 1 } });
    expect(doc.status).toBe('fail');
    expect(doc.summary).toMatchObject({ pass: 2, fail: 1 });
    expect(startedAt).toBeInstanceOf(Date);
    expect(closed).toEqual(['tunnel']);
  });

  it('clean-ups run when the endpoints cannot be resolved', async () => {
    const closed: string[] = [];
    plans.current = {
      async inspect(ctx) {
        ctx.onClose(async () => void closed.push('tunnel'));
        return {
          checks: [],
          endpoints: async () => {
            throw new Error('no endpoint');
          },
        };
      },
    };
    await expect(runOnAws(noExercises, flags(), (go) => go({}))).rejects.toThrow('no endpoint');
    expect(closed).toEqual(['tunnel']);
  });
});

describe('addAfterRun', () => {
  const doc = (): ResultsDocument => ({
    schema: 'data-tier-labs/results@1',
    lab: 5,
    slug: 'elasticache-redis',
    target: 'aws',
    status: 'pass',
    summary: { pass: 1, fail: 0, error: 0, skipped: 0 },
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
    checks: [check('05.x', 'pass')],
    measurements: { cacheSpeedup: 3 },
  });

  it('adds the checks, keeps earlier figures, and recomputes status and summary', () => {
    const d = doc();
    const told: string[] = [];
    addAfterRun(d, { checks: [check('05.aws.failover-drill', 'fail')], measurements: { failoverDrill: { ok: false } } }, (c) => told.push(c.id));
    expect(d.checks.map((c) => c.id)).toEqual(['05.x', '05.aws.failover-drill']);
    expect(d.measurements).toEqual({ cacheSpeedup: 3, failoverDrill: { ok: false } });
    expect(d.status).toBe('fail');
    expect(d.summary).toMatchObject({ pass: 1, fail: 1 });
    expect(told).toEqual(['05.aws.failover-drill']);
  });

  it('nothing to add leaves the document as it was', () => {
    const d = doc();
    addAfterRun(d, { checks: [] });
    expect(d.checks).toHaveLength(1);
    expect(d.measurements).toEqual({ cacheSpeedup: 3 });
    expect(d.status).toBe('pass');
  });
});
