/**
 * What the invocations of the deployed function show, judged from the
 * samples alone (invoke.ts takes them): the function answers, execution
 * environments are reused, a second read of a user comes from the cache,
 * and a missing user is a 404 every time.
 */
import type { CheckResult } from '../../core/result.js';
import { awsResultBuilders } from '../aws-results.js';
import type { InvokeSample } from './invoke.js';

export const LAB07_INVOKE_CHECKS = {
  invoke: { id: '07.aws.invoke', name: 'The deployed function answers GET /users/{id} with 200' },
  warmReuse: { id: '07.aws.warm-reuse', name: 'Warm invocations reuse the execution environment (no Init Duration)' },
  cacheHits: { id: '07.aws.cache-hits', name: 'A second read of a user comes from the cache' },
  notFound: { id: '07.aws.not-found', name: 'A missing user is a 404, every time' },
} as const;

const { result, skipped } = awsResultBuilders(LAB07_INVOKE_CHECKS);

/** The plan of a series: ids read twice, then a missing id twice. */
export interface InvokeSeries {
  firstReads: InvokeSample[];
  secondReads: InvokeSample[];
  missing: InvokeSample[];
}

const describe = (s: InvokeSample) => `${s.method} /users/${s.id}`;

export function invokeCheck(series: InvokeSeries): CheckResult {
  const reads = [...series.firstReads, ...series.secondReads];
  const crashed = reads.find((s) => s.functionError);
  if (crashed) {
    const timeout = /Task timed out/i.test(crashed.functionError ?? '');
    return result(
      'invoke',
      'fail',
      `${describe(crashed)} failed inside the function: ${crashed.functionError!.slice(0, 300)}`,
      timeout
        ? 'The function timed out: a paused cluster takes about 15 s to answer, so raise timeoutSeconds (labs/07-serverless-cache/stack-config.ts) and deploy again.'
        : "Read the function's log (stack output FunctionLogGroup) for the stack trace; run the same handler locally with `npm run check -- 7`.",
    );
  }
  const wrong = reads.find((s) => s.status !== 200);
  if (wrong) {
    return result(
      'invoke',
      'fail',
      `${describe(wrong)} answered ${wrong.status ?? 'no statusCode'}, not 200, for a user the seed created.`,
      'The handler must return { statusCode: 200, body: JSON.stringify({ user, source }) } for an existing user; has the table been seeded on AWS (`npm run check -- 7 --target aws --tunnel`)?',
    );
  }
  const noReport = reads.filter((s) => !s.report).length;
  const note = noReport ? ` (${noReport} without a REPORT line in the log tail)` : '';
  return result('invoke', 'pass', `${reads.length} reads of ${series.firstReads.length} users answered 200${note}.`);
}

export function warmReuseCheck(series: InvokeSeries): CheckResult {
  const reported = series.secondReads.filter((s) => s.report);
  if (reported.length === 0) return skipped('warmReuse', 'no REPORT line came back in the log tails');
  const cold = reported.filter((s) => s.report!.initMs !== undefined);
  // One invocation at a time: Lambda reuses the environment unless it just reaped it.
  if (cold.length <= Math.floor(reported.length / 5)) {
    return result(
      'warmReuse',
      'pass',
      `${reported.length - cold.length} of ${reported.length} back-to-back invocations ran in a warm environment (no Init Duration).`,
    );
  }
  return result(
    'warmReuse',
    'fail',
    `${cold.length} of ${reported.length} back-to-back invocations started a new execution environment (Init Duration in the REPORT line): something ends the environment after each call.`,
    'Do not call process.exit() or throw from module scope on purpose, and keep clients at module scope; check the log for "Runtime exited" or out-of-memory reports.',
  );
}

export function cacheHitsCheck(series: InvokeSeries): CheckResult {
  const answered = series.secondReads.filter((s) => !s.functionError && s.status === 200);
  if (answered.length === 0) return skipped('cacheHits', `no second read answered 200 (see ${LAB07_INVOKE_CHECKS.invoke.id})`);
  const withoutSource = answered.filter((s) => s.source === undefined);
  if (withoutSource.length) {
    return result(
      'cacheHits',
      'fail',
      `${describe(withoutSource[0]!)} answered without a "source" in its body.`,
      'Put source: "cache" or "database" in the response body, so callers (and the checker) can tell where the user came from.',
    );
  }
  const misses = answered.filter((s) => s.source !== 'cache');
  if (misses.length) {
    return result(
      'cacheHits',
      'fail',
      `${misses.length} of ${answered.length} second reads came from "${misses[0]!.source}", although the same user was read moments before: ${misses.map(describe).slice(0, 3).join(', ')}.`,
      'After a database read, SET the user in Valkey with the TTL from CACHE_TTL_SECONDS, so the next read hits.',
    );
  }
  return result('cacheHits', 'pass', `All ${answered.length} second reads came from the cache.`);
}

export function notFoundCheck(series: InvokeSeries): CheckResult {
  if (series.missing.length === 0) return skipped('notFound', 'no missing user was asked for');
  const crashed = series.missing.find((s) => s.functionError);
  if (crashed)
    return result(
      'notFound',
      'fail',
      `${describe(crashed)} threw inside the function (${crashed.functionError!.slice(0, 200)}) instead of answering 404.`,
      'A missing user is not an error: return { statusCode: 404 }.',
    );
  const wrong = series.missing.find((s) => s.status !== 404);
  if (wrong) {
    const again = series.missing.indexOf(wrong) > 0 ? ' on the second ask (was the miss cached as a user?)' : '';
    return result(
      'notFound',
      'fail',
      `${describe(wrong)} answered ${wrong.status ?? 'no statusCode'}${again}, not 404, for a user that does not exist.`,
      'Answer 404 for a missing user, and cache the miss only briefly, if at all, so a user created later is found.',
    );
  }
  return result('notFound', 'pass', `${series.missing.length} asks for a missing user answered 404.`);
}

export function judgeInvokeSeries(series: InvokeSeries): CheckResult[] {
  return [invokeCheck(series), warmReuseCheck(series), cacheHitsCheck(series), notFoundCheck(series)];
}
