/**
 * The class report as one self-contained HTML page: inline CSS and SVG, no
 * script, no external resource, so it opens from disk and projects as is.
 * Every string from a results file goes through the escaping `html` template.
 */
import type { CheckResult, CheckStatus } from '../core/result.js';
import { barChart } from './charts.js';
import type { ClassResults } from './collect.js';
import { buildMatrix, chunkGroups, labCompletion, rankFailures, type Column, type ColumnGroup, type FailureGroup, type LabCompletion, type Matrix } from './aggregate.js';
import { html, raw, type Html } from './escape.js';
import { classFigures, type FigureSeries } from './metrics.js';
import { STYLES } from './styles.js';

export const STATUS_GLYPH: Record<CheckStatus, string> = { pass: '✔', fail: '✘', error: '!', skipped: '○' };
export const NOT_RUN_GLYPH = '–';
const STATUS_WORD: Record<CheckStatus, string> = { pass: 'passed', fail: 'failed', error: 'could not run (environment error)', skipped: 'skipped' };

export interface RenderOptions {
  /** When the report was built; shown in the header. */
  builtAt?: Date;
  title?: string;
  /** Number of files given on the command line. */
  filesRead?: number;
  /** How many failure groups to list. */
  topFailures?: number;
}

export function renderReport(data: ClassResults, options: RenderOptions = {}): string {
  const title = options.title ?? 'Class report';
  const builtAt = options.builtAt ?? new Date();
  const learners = data.learners;
  const matrix = buildMatrix(learners);
  const completion = labCompletion(learners);
  const failures = rankFailures(learners);
  const figures = classFigures(learners);
  const filesRead = options.filesRead ?? learners.length + data.leftOut.length;

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Data Tier Labs class report">
<title>${title} · Data Tier Labs</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<main>
<header class="page">
<h1>${title}</h1>
<p class="meta"><strong>${learners.length}</strong> ${learners.length === 1 ? 'learner' : 'learners'} ·
${completion.map((c) => `Lab ${c.lab}`).join(', ') || 'no labs'} ·
built ${formatDate(builtAt)} from ${filesRead} ${filesRead === 1 ? 'file' : 'files'}${data.leftOut.length > 0 ? html` (<a href="#left-out">${data.leftOut.length} left out</a>)` : ''}</p>
<nav class="toc" aria-label="Sections"><a href="#completion">Completion</a><a href="#matrix">Every check, every learner</a><a href="#failures">Most common failures</a><a href="#figures">Measured figures</a>${data.leftOut.length > 0 ? html`<a href="#left-out">Files left out</a>` : ''}</nav>
</header>
${completionSection(completion)}
${matrixSection(matrix)}
${failuresSection(failures, learners.length, options.topFailures ?? 15)}
${figuresSection(figures)}
${leftOutSection(data)}
<footer>Data Tier Labs · status is shown by symbol and colour: ✔ passed, ✘ failed, ! could not run, ○ skipped, – not run. Hover a cell for the checker's message.</footer>
</main>
</body>
</html>
`;
  return page.markup;
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function meterClass(percent: number): string {
  return percent >= 75 ? 'meter' : percent >= 40 ? 'meter mid' : 'meter low';
}

function completionRow(label: string | Html, passed: number, total: number, percent: number, what: string): Html {
  return html`<tr><th scope="row">${label}</th>
<td><div class="${meterClass(percent)}" role="img" aria-label="${percent}% ${what}"><span style="width:${percent}%"></span></div></td>
<td class="figure"><strong>${percent}%</strong> · ${passed} of ${total}</td></tr>`;
}

function completionSection(labs: LabCompletion[]): Html {
  return html`<section id="completion" aria-labelledby="completion-h">
<h2 id="completion-h">Completion</h2>
<p class="explain">A lab counts as passed when its run has no failure and no error (skipped checks do not block it); an exercise when every one of its checks passed. Percentages are of the whole class.</p>
${labs.map(
  (lab) => html`<h3>Lab ${lab.lab} · ${lab.title}</h3>
<p class="headline" data-lab="${lab.lab}"><span class="big">${lab.percent}%</span> passed the lab: ${lab.passed} of ${lab.total} learners${lab.submitted < lab.total ? ` (${lab.total - lab.submitted} sent no results for it)` : ''}</p>
<table class="completion" data-lab="${lab.lab}">
<thead><tr><th scope="col">Exercise</th><th scope="col">Learners who passed every check</th><th scope="col" class="figure">Passed</th></tr></thead>
<tbody>
${lab.exercises.map((e) => completionRow(e.title, e.passed, e.total, e.percent, 'of learners passed'))}
</tbody>
</table>`,
)}
</section>`;
}

function legend(): Html {
  const items: Array<[string, string, string]> = [
    ['s-pass', STATUS_GLYPH.pass, 'passed'],
    ['s-fail', STATUS_GLYPH.fail, 'failed: the learner’s work is wrong'],
    ['s-error', STATUS_GLYPH.error, 'could not run: the environment is broken'],
    ['s-skipped', STATUS_GLYPH.skipped, 'skipped (e.g. AWS checks on the local target)'],
    ['s-none', NOT_RUN_GLYPH, 'not in this learner’s file'],
  ];
  return html`<ul class="legend" aria-label="Legend">${items.map(([cls, glyph, text]) => html`<li><span class="cell ${cls}" aria-hidden="true"><b>${glyph}</b></span>${text}</li>`)}</ul>`;
}

function shortCheckName(id: string): string {
  return id.split('.').at(-1) ?? id;
}

function cell(learner: string, check: CheckResult | undefined, column: Column, cls: string): Html {
  if (!check) {
    return html`<td class="cell s-none${cls}" data-status="none" title="${learner} · ${column.id} (${column.name}): not in this learner’s file">${NOT_RUN_GLYPH}<span class="sr">not run</span></td>`;
  }
  const tip = `${learner} · ${check.id} (${check.name}): ${STATUS_WORD[check.status]} - ${check.message}`;
  return html`<td class="cell s-${check.status}${cls}" data-status="${check.status}" data-check="${check.id}" title="${tip}">${STATUS_GLYPH[check.status]}<span class="sr">${check.status}</span></td>`;
}

function matrixTable(matrix: Matrix, groups: ColumnGroup[], label: string): Html {
  const columns = groups.flatMap((g) => g.columns);
  const index = new Map(matrix.columns.map((c, i) => [c.key, i]));
  const firstOfGroup = new Set(groups.map((g) => g.columns[0].key));
  const first = (c: Column) => (firstOfGroup.has(c.key) ? ' first' : '');
  const total = matrix.rows.length;
  return html`<div class="scroll">
<table class="matrix" aria-label="${label}">
<thead>
<tr><th class="learner-col" scope="col" rowspan="2">Learner</th>${groups.map(
    (g) => html`<th class="group" scope="colgroup" colspan="${g.columns.length}" title="Lab ${g.lab} · ${g.title}">${g.title}</th>`,
  )}<th class="total" scope="col" rowspan="2">Passed</th></tr>
<tr>${columns.map((c) => html`<th class="check${first(c)}" scope="col" data-check="${c.id}" title="${c.id}: ${c.name}"><span>${shortCheckName(c.id)}</span></th>`)}</tr>
</thead>
<tbody>
${matrix.rows.map((row) => {
  const targets = [...new Set(row.learner.labs.map((d) => d.target))];
  const cells = columns.map((c) => row.cells[index.get(c.key) as number]);
  const passed = cells.filter((c) => c?.status === 'pass').length;
  const counted = cells.filter((c) => c && c.status !== 'skipped').length;
  const errors = cells.filter((c) => c?.status === 'error').length;
  return html`<tr data-learner="${row.learner.id}">
<th scope="row"><span class="who">${row.learner.name}</span><span class="sub">${row.learner.name !== row.learner.id ? `${row.learner.id} · ` : ''}${targets.join(', ')}</span></th>
${columns.map((c, i) => cell(row.learner.name, cells[i], c, first(c)))}
<td class="total">${counted === 0 ? '–' : html`<strong>${passed}</strong> of ${counted}`}${errors > 0 ? html`<br><span class="tag s-error">${errors} error${errors === 1 ? '' : 's'}</span>` : ''}</td>
</tr>`;
})}
</tbody>
<tfoot><tr><th scope="row">Learners who passed <span class="sub">of ${total}</span></th>${columns.map((c) => {
    const n = matrix.passed[index.get(c.key) as number];
    return html`<td class="rate${first(c)}" title="${c.id}: ${n} of ${total} learners passed">${n}</td>`;
  })}<td class="total"></td></tr></tfoot>
</table>
</div>`;
}

function matrixSection(matrix: Matrix): Html {
  const chunks = chunkGroups(matrix.groups);
  return html`<section id="matrix" aria-labelledby="matrix-h">
<h2 id="matrix-h">Every check, every learner</h2>
<p class="explain">One row per learner, one column per check, grouped by exercise${chunks.length > 1 ? ' (in more than one table, so each fits the screen)' : ''}. Hover a cell to read the checker’s message.</p>
${legend()}
${chunks.length === 0 ? html`<p>These files hold no checks yet: the learners have not run any lab.</p>` : ''}
${chunks.map((groups, i) => matrixTable(matrix, groups, `Lab ${groups[0].lab} checks${chunks.length > 1 ? `, table ${i + 1} of ${chunks.length}` : ''}`))}
</section>`;
}

function failuresSection(failures: FailureGroup[], classSize: number, top: number): Html {
  if (failures.length === 0) {
    return html`<section id="failures" aria-labelledby="failures-h"><h2 id="failures-h">Most common failures</h2><p>No learner has a failing check or an error.</p></section>`;
  }
  const shown = failures.slice(0, top);
  return html`<section id="failures" aria-labelledby="failures-h">
<h2 id="failures-h">Most common failures</h2>
<p class="explain">Failures and errors grouped by check and message (details such as numbers, values and file locations set aside), ranked by how many learners have them: where to explain again.${failures.length > top ? ` The first ${top} of ${failures.length}.` : ''}</p>
<table class="failures">
<thead><tr><th scope="col">#</th><th scope="col">Learners</th><th scope="col">Check</th><th scope="col">Message</th></tr></thead>
<tbody>
${shown.map(
  (f, i) => html`<tr class="failure" data-check="${f.checkId}" data-count="${f.count}">
<td class="rank">${i + 1}</td>
<td class="count"><strong>${f.count}</strong> of ${classSize}<div class="meter share" aria-hidden="true"><span style="width:${Math.round((f.count / classSize) * 100)}%"></span></div></td>
<td><span class="check-id mono">${f.checkId}</span><span class="check-name">${f.checkName}</span></td>
<td><span class="message"><span class="glyph s-${f.status}" title="${STATUS_WORD[f.status]}">${STATUS_GLYPH[f.status]}</span>${f.message}</span><span class="who">${f.learners.join(', ')}</span></td>
</tr>`,
)}
</tbody>
</table>
</section>`;
}

function figure(series: FigureSeries): Html {
  const metric = series.metric;
  const heading = series.series ? `${metric.title}: ${series.series}` : metric.title;
  const chart = barChart({
    title: `Lab ${series.lab} · ${heading}`,
    axisLabel: metric.axisLabel,
    bars: series.points.map((p) => ({ label: p.learner, value: p.value, valueText: metric.format(p.value) })),
    median: series.points.length > 1 ? { value: series.median, text: metric.format(series.median) } : undefined,
  });
  return html`<figure class="chart" data-metric="${metric.key}" data-series="${series.series}">
<figcaption><h3>${heading}</h3>
<p class="explain">Lab ${series.lab}. ${metric.explanation} ${metric.better === 'higher' ? 'Higher is better.' : 'Lower is better.'}</p></figcaption>
${chart}
${series.missing.length > 0 ? html`<p class="note">No figure for ${series.missing.join(', ')}: ${metric.whenMissing}.</p>` : ''}
</figure>`;
}

function figuresSection(figures: FigureSeries[]): Html {
  return html`<section id="figures" aria-labelledby="figures-h">
<h2 id="figures-h">Measured figures</h2>
${figures.length === 0 ? html`<p>No measured figures in these files yet: the checker measures the cache speed-up only after every exercise of the lab passed.</p>` : html`<div class="charts">${figures.map(figure)}</div>`}
</section>`;
}

function leftOutSection(data: ClassResults): Html | string {
  if (data.leftOut.length === 0) return '';
  return html`<section id="left-out" aria-labelledby="left-out-h">
<h2 id="left-out-h">Files left out</h2>
<ul class="left-out">${data.leftOut.map((f) => html`<li><code>${f.file}</code> ${f.reason}</li>`)}</ul>
</section>`;
}
