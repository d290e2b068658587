/** Lab 6's terminal pictures: the ranked top-SQL table, the before/after bars and the load-over-time charts. */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { TopSqlFixMeasurement, WorkloadFigures } from '../../checks/06-performance-insights/measure.js';
import { fitSeries, renderBeforeAfter, renderLoadOverTime, renderTopSql, renderTopSqlFix } from '../../checks/06-performance-insights/top-sql.js';

const HOT = 'SELECT ID , `customer_id` FROM `orders` WHERE `customer_id` = ? ORDER BY `created_at` DESC';

function figures(overrides: Partial<WorkloadFigures['hot']>, timeline: number[], elapsedMs: number): WorkloadFigures {
  return {
    hot: { statement: HOT, calls: 30, rowsExaminedPerCall: 100_020, rowsSentPerCall: 20, avgMs: 40, totalMs: 1_200, ...overrides },
    operations: 1_030,
    errors: 0,
    elapsedMs,
    opsPerSecond: (1_030 * 1000) / elapsedMs,
    timeline,
    topSql: [
      { statement: HOT, calls: 30, totalMs: 1_200, avgMs: 40, rowsExamined: 3_000_600, rowsSent: 600, share: 0.8 },
      {
        statement: 'SELECT ID , NAME FROM `items` ORDER BY `RAND` ( ) LIMIT ?',
        calls: 500,
        totalMs: 300,
        avgMs: 0.6,
        rowsExamined: 625_000,
        rowsSent: 500,
        share: 0.2,
      },
    ],
  };
}

const measurement: TopSqlFixMeasurement = {
  bucketMs: 100,
  before: figures(
    {},
    Array.from({ length: 40 }, (_, i) => 200 + (i % 5) * 10),
    4_000,
  ),
  after: figures({ rowsExaminedPerCall: 20, avgMs: 0.2, totalMs: 6 }, [900, 1_000, 950, 800], 400),
  rowsExaminedFactor: 5_001,
  latencyFactor: 200,
};

describe('renderTopSql', () => {
  it('lists the statements in the order given, each with its figures and its text on the next line', () => {
    const lines = renderTopSql(measurement.before.topSql).split('\n');
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines[0]).toMatch(/calls.*total.*avg.*rows examined.*rows sent.*examined:sent/);
    expect(lines[1]).toMatch(/^\s+1\.\s.*80%\s+30\s+1,200 ms\s+40\.0 ms\s+3,000,600\s+600\s+5,001:1$/);
    expect(lines[2].trim()).toBe(HOT);
    expect(lines[3]).toMatch(/^\s+2\.\s.*20%\s+500/);
  });

  it('shows only the columns the rows carry (Performance Insights gives load, not rows)', () => {
    const text = renderTopSql(
      [
        { statement: 'SELECT 1', share: 0.5 },
        { statement: 'SELECT 2', share: 0.25 },
      ],
      { shareLabel: 'load (AAS)' },
    );
    const header = text.split('\n')[0];
    expect(header).toContain('load (AAS)');
    expect(header).not.toMatch(/calls|rows examined|avg/);
  });

  it('cuts a long statement to the width, and says when there is nothing to show', () => {
    const text = renderTopSql([{ statement: `SELECT ${'x, '.repeat(200)}y FROM t`, calls: 1 }], { width: 60 });
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).toMatch(/\.\.\.$/);
    expect(renderTopSql([])).toMatch(/no statements/);
  });
});

describe('the before/after and load pictures', () => {
  it('averages a long series down to the width, keeping the two runs on one time scale', () => {
    const { series, factor } = fitSeries(
      [
        [1, 3, 5, 7, 9],
        [2, 4],
      ],
      2,
    );
    expect(factor).toBe(3);
    expect(series).toEqual([[3, 8], [3]]);
  });

  it('gives the before run a longer line than the after run, on the same axes', () => {
    const text = renderLoadOverTime(measurement);
    const charts = text.split('\n').filter((l) => /[┼┤]/.test(l));
    const before = charts.slice(0, charts.length / 2);
    const after = charts.slice(charts.length / 2);
    const plotted = (lines: string[]) => Math.max(...lines.map((l) => l.replace(/\s+$/, '').length));
    expect(plotted(before)).toBeGreaterThan(plotted(after) + 20);
    expect(before[0].trim().split(' ')[0]).toBe(after[0].trim().split(' ')[0]); // the same top of the scale
    expect(text).toContain('4.0 s');
  });

  it('puts both figures of each measure on one line, and bars that shrink after the fix', () => {
    const lines = renderBeforeAfter(measurement).split('\n');
    const examined = lines.findIndex((l) => l.includes('rows examined per call'));
    expect(lines[examined]).toMatch(/100,020\s+20\s+█+$/);
    const bar = (l: string) => (l.match(/█+/) ?? [''])[0].length;
    expect(bar(lines[examined + 1])).toBeLessThan(bar(lines[examined]));
    expect(bar(lines[examined + 1])).toBeGreaterThan(0);
  });

  it('prints no colour codes without colour, and the factors of the fix', () => {
    const text = renderTopSqlFix(new Chalk({ level: 0 }), measurement, 'local');
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).toMatch(/5,001x fewer rows examined per call, 200x lower average latency/);
    const coloured = renderTopSqlFix(new Chalk({ level: 1 }), measurement, 'local');
    expect(coloured).toMatch(/\x1b\[/);
  });
});
