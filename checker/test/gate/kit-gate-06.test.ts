/**
 * The kit gate for Lab 6 (top SQL and its fix), against a real mariadbd with
 * performance_schema on: every starting file fails every check with a
 * message, every solution passes, each wrong implementation below is
 * rejected by the check that names its defect, every check is made to fail
 * by at least one of them, right implementations in other styles pass, and
 * the measurement of a passing run shows the drop in rows examined per call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab06 } from '../../../labs/06-performance-insights/lab.js';
import { ORDER_COUNT } from '../../../labs/06-performance-insights/seed.js';
import { checksFor } from '../../../labs/index.js';
import type { TopSqlFixMeasurement } from '../../checks/06-performance-insights/measure.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { startLocalDatabase } from '../../engines/local.js';
import { runExercise } from '../../runner/run-exercise.js';
import {
  checksToRun,
  describeResults,
  expectEveryCheckFails,
  expectEveryCheckPasses,
  expectRejectedPrecisely,
  itAgreesWithMetadata,
  POOL_SIZE,
  ResourcePool,
  repoPath,
  runningExerciseChildren,
  solutionFile,
  startingFile,
  type PassingChecks,
  type WrongImplementation,
} from './support.js';

const lab = lab06;
const registered = (await checksFor(lab.id))?.exercises ?? {};
const starting = (id: string) => startingFile(lab, id);
const solution = (id: string) => solutionFile(lab, id);

interface WrongCase extends WrongImplementation {
  fixture: string;
}

/** Checks the wrong implementations below pass (see checksToRun). */
const PASSING: PassingChecks = {
  '06.01': ['06.01.reads-the-server', '06.01.planted-first'],
  '06.02': ['06.02.migrate-awaits', '06.02.portable-sql'],
};

const WRONG: WrongCase[] = [
  {
    fixture: '01-rows-swapped.ts',
    check: '06.01.planted-first',
    message: /rowsExamined of the top statement: topSql says \d+, the server counts SUM_ROWS_EXAMINED \d{1,3}(,\d{3})+/,
  },
  { fixture: '01-ranks-by-calls.ts', check: '06.01.ranked-by-total-time', message: /has more total time than row \d.*rank by SUM_TIMER_WAIT, not by calls/ },
  {
    fixture: '01-forgets-picoseconds.ts',
    check: '06.01.milliseconds',
    message: /off by a factor of 1e\+9: the timer columns count picoseconds, divide by 1e9/,
  },
  { fixture: '01-divides-by-million.ts', check: '06.01.milliseconds', message: /off by a factor of 1e\+3: the timer columns count picoseconds/ },
  { fixture: '01-ignores-limit.ts', check: '06.01.limit', message: /topSql\(ctx, 1\) returned \d+ rows; .* expected 1/ },
  {
    fixture: '01-reads-once.ts',
    check: '06.01.reads-the-server',
    message:
      /topSql(\(ctx, 5\) reported (\d+ calls of|no row for) the orders query, which the table holds with \d+ calls| reported \d+ calls instead of \d+): is the result kept from an earlier call/,
  },
  {
    fixture: '01-ranks-by-average.ts',
    check: '06.01.planted-first',
    message: /not the one slowest per call \(.* once\): rank by SUM_TIMER_WAIT, not by average time \(AVG_TIMER_WAIT\)/,
  },
  {
    fixture: '01-reports-changes.ts',
    check: '06.01.reads-the-server',
    message:
      /reported (no row for|\d+ calls of) the orders query, which the table holds with \d+ calls: is the result kept from an earlier call, or only what changed since one\?|what changed since its previous call/,
  },
  {
    fixture: '01-truncates-digests.ts',
    check: '06.01.planted-first',
    message: /topSql tried to change performance_schema\.events_statements_summary_by_digest \(TRUNCATE\?\); it may only read it/,
    failsEverywhere: true,
  },
  {
    fixture: '02-migrate-does-nothing.ts',
    check: '06.02.rows-examined',
    message: /rows examined per call still 100,0\d\d .*the table is scanned - orders has no index but its primary key/,
  },
  {
    fixture: '02-index-wrong-column.ts',
    check: '06.02.rows-examined',
    message: /still 100,0\d\d .*orders has idx_orders_status \(status\), none leading with customer_id/,
  },
  {
    fixture: '02-index-wrong-order.ts',
    check: '06.02.rows-examined',
    message: /the table is scanned - orders has idx_orders_created_customer \(created_at, customer_id\), none leading with customer_id/,
  },
  {
    fixture: '02-ignore-index.ts',
    check: '06.02.rows-examined',
    message: /still 100,0\d\d .*leads with customer_id, but the query does not use it \(IGNORE INDEX/,
  },
  {
    fixture: '02-function-on-column.ts',
    check: '06.02.rows-examined',
    message: /the query does not use it \(IGNORE INDEX, or a function or cast around customer_id\?\)/,
  },
  {
    fixture: '02-limit-loses-rows.ts',
    check: '06.02.same-rows',
    message: /ordersForCustomer\(db, 17\) returned 10 orders; customer 17 has 35 .*: rows are lost \(a LIMIT/,
  },
  {
    fixture: '02-cached-in-process.ts',
    check: '06.02.every-call-reaches-db',
    message:
      /reached the orders table \d+ times: .*an in-process cache\?|called ordersForCustomer \d+ times and the digests saw \d+ calls .*an in-process cache\?/,
  },
  {
    fixture: '02-limit-twenty.ts',
    check: '06.02.same-rows',
    message: /ordersForCustomer\(db, 17\) returned 20 orders; customer 17 has 35 \(the seed's 20 and 15 the checker added after migrate\): rows are lost/,
  },
  {
    fixture: '02-newest-by-id.ts',
    check: '06.02.same-rows',
    message:
      /ordersForCustomer\(db, 17\) put order \d+ \(created at minute -?\d+ of the seed\) at place \d+, where order \d+ \(minute \d+\) belongs: newest first means by created_at/,
  },
  {
    fixture: '02-repeat-cached.ts',
    check: '06.02.every-call-reaches-db',
    message: /3 calls of ordersForCustomer\(db, 42\) in a row reached the orders table 1 times: .*an in-process cache\?/,
  },
  {
    fixture: '02-index-not-awaited.ts',
    check: '06.02.migrate-awaits',
    message: /migrate\(db\) returned while "CREATE INDEX idx_orders_customer ON orders \(customer_id\)" was still running on the server/,
  },
  {
    fixture: '02-mariadb-only-syntax.ts',
    check: '06.02.portable-sql',
    message:
      /migrate\(db\) sent "CREATE INDEX IF NOT EXISTS idx_orders_customer ON orders \(customer_id\)", which MariaDB accepts but RDS for MySQL 8\.4 rejects/,
  },
  {
    fixture: '02-deletes-orders.ts',
    check: '06.02.keeps-the-data',
    message: /after migrate\(db\) orders holds \d{2},\d{3} rows instead of the seed's 100,000: a fix changes how rows are found/,
  },
  {
    fixture: '02-swallows-errors.ts',
    check: '06.02.errors-reach-the-caller',
    message: /ordersForCustomer\(db, 1\) returned \[\] although its query failed on a closed connection \(.*\): let the error reach the caller/,
  },
  {
    fixture: '02-query-dropped.ts',
    check: '06.02.rows-examined',
    message: /ordersForCustomer ran \d+ times during the workload but the digests recorded no statement of it/,
    failsEverywhere: true,
  },
];

/** Right implementations in styles the reference solutions do not use (checker/test/fixtures/06-right/, many from a blind red team): every check passes. */
const RIGHT = ['01-schema-filter-decimal.ts', '01-derived-average.ts', '02-idempotent-descending-index.ts', '02-sorted-in-code.ts'];

let dbs: ResourcePool<Endpoints>;

beforeAll(async () => {
  dbs = await ResourcePool.start<Endpoints>(POOL_SIZE, async () => {
    const database = await startLocalDatabase();
    return { value: database.endpoints, stop: () => database.stop() };
  });
});

afterAll(async () => {
  await dbs?.stop();
  expect(runningExerciseChildren()).toEqual([]);
});

describe('lab 6: metadata, registry and files agree', () => {
  itAgreesWithMetadata(lab, registered);

  it('makes every check fail with at least one wrong implementation', () => {
    const covered = new Set(WRONG.map((w) => w.check));
    expect(
      Object.values(registered)
        .flat()
        .map((c) => c.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
  });
});

describe.concurrent('lab 6 gate (real mariadbd, performance_schema on)', () => {
  for (const exercise of lab.exercises) {
    const ids = () => (registered[exercise.id] ?? []).map((c) => c.id);

    it(`${exercise.id}: the starting file fails every check, with a message`, async () => {
      const { results } = await dbs.with((endpoints) => runExercise({ labId: lab.id, exerciseId: exercise.id, file: starting(exercise.id), endpoints }));
      expectEveryCheckFails(results, ids(), /not written yet/);
      if (exercise.id === '02-fix-the-top-sql')
        expect(results[0].message, describeResults(results)).toMatch(
          /without a fix the hot query examines 100,0\d\d rows per call to send 20: the table is scanned/,
        );
    });

    it(`${exercise.id}: the solution passes every check`, async () => {
      const { results } = await dbs.with((endpoints) => runExercise({ labId: lab.id, exerciseId: exercise.id, file: solution(exercise.id), endpoints }));
      expectEveryCheckPasses(results, ids());
    });
  }

  it("measures the fix: rows examined per call drop from a full scan to the customer's own rows", async () => {
    const run = await dbs.with((endpoints) =>
      runExercise({
        labId: lab.id,
        exerciseId: '02-fix-the-top-sql',
        file: solution('02-fix-the-top-sql'),
        endpoints,
        only: [],
        measure: 'top-sql-fix',
      }),
    );
    const m = run.measurement as TopSqlFixMeasurement;
    expect(m.before.hot.rowsExaminedPerCall).toBeGreaterThanOrEqual(ORDER_COUNT);
    expect(m.after.hot.rowsExaminedPerCall).toBeLessThanOrEqual(ORDER_COUNT / 1000);
    expect(m.rowsExaminedFactor).toBeGreaterThan(1000);
    expect(m.after.hot.avgMs).toBeLessThan(m.before.hot.avgMs);
    expect(Math.min(m.before.hot.calls, m.after.hot.calls)).toBeGreaterThan(0);
    expect(m.before.topSql[0].statement).toMatch(/FROM `orders` WHERE `customer_id` = \?/);
    expect(m.after.topSql[0].statement).not.toMatch(/FROM `orders`/);
    expect(m.before.timeline.length).toBeGreaterThan(0);
    expect(m.after.errors + m.before.errors).toBe(0);
  });
});

describe.concurrent('wrong implementations of Lab 6 are rejected precisely', () => {
  for (const c of WRONG) {
    it(`${c.fixture} is rejected by ${c.check}`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(c.fixture.slice(0, 2)))!;
      const { results } = await dbs.with((endpoints) =>
        runExercise({
          labId: lab.id,
          exerciseId: exercise.id,
          file: repoPath(`checker/test/fixtures/06-wrong/${c.fixture}`),
          endpoints,
          only: checksToRun(c, PASSING),
        }),
      );
      expectRejectedPrecisely(results, c);
    });
  }
});

describe.concurrent('right implementations of Lab 6 in other styles pass every check', () => {
  for (const fixture of RIGHT) {
    it(`${fixture} passes every check`, async () => {
      const exercise = lab.exercises.find((e) => e.id.startsWith(fixture.slice(0, 2)))!;
      const { results } = await dbs.with((endpoints) =>
        runExercise({ labId: lab.id, exerciseId: exercise.id, file: repoPath(`checker/test/fixtures/06-right/${fixture}`), endpoints }),
      );
      expectEveryCheckPasses(
        results,
        (registered[exercise.id] ?? []).map((c) => c.id),
      );
    });
  }
});
