/**
 * The class report as one self-contained HTML page: inline CSS and SVG, no
 * script, no external resource, so it opens from disk and projects as is.
 * Every string from a results file goes through the escaping `html` template.
 */
import type { CheckResult, CheckStatus } from '../core/result.js';
import { barChart } from './charts.js';
import type { ClassLearner, ClassResults } from './collect.js';
import {
  buildMatrix,
  chunkGroups,
  failureKey,
  labCompletion,
  rankFailures,
  type Column,
  type ColumnGroup,
  type ExerciseCompletion,
  type FailureGroup,
  type LabCompletion,
  type LabDirectory,
  type Matrix,
  type MatrixRow,
} from './aggregate.js';
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
  /** Where the verdicts come from: the learners' own results files (default) or `npm run grade`. */
  mode?: 'self-reported' | 'graded';
  /** The kit's labs, for titles and lesson order (the command passes the registry's findLab). */
  labs?: LabDirectory;
}

export function renderReport(data: ClassResults, options: RenderOptions = {}): string {
  const title = options.title ?? 'Class report';
  const builtAt = options.builtAt ?? new Date();
  const learners = data.learners;
  const matrix = buildMatrix(learners, options.labs);
  const completion = labCompletion(learners, options.labs);
  const failures = rankFailures(learners, options.labs);
  const anchors = failureAnchors([...failures.filter((f) => !f.startingTodo), ...failures.filter((f) => f.startingTodo)]);
  const figures = classFigures(learners);
  const filesRead = options.filesRead ?? learners.length + data.leftOut.length;
  const flagged = learners.filter((l) => l.flags.length > 0);

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
built ${formatDate(builtAt)} from ${filesRead} ${filesRead === 1 ? 'file' : 'files'}${data.leftOut.length > 0 ? html` (<a href="#left-out">${data.leftOut.length} left out</a>)` : ''}${flagged.length > 0 ? html` · <a href="#flagged">${flagged.length} ${flagged.length === 1 ? 'learner needs' : 'learners need'} a look</a>` : ''}</p>
<p class="meta mode">${options.mode === 'graded' ? "Graded: every verdict was computed by this kit's checker from the learner's submitted exercise files, each learner in a fresh copy of the kit." : "Self-reported results: each verdict was computed on the learner's own machine and sent as a file. The report recomputes every lab's status from its checks and compares the checks with this kit's, but it cannot rerun the learner's code; for assessment, grade their submissions (npm run grade)."}</p>
<nav class="toc" aria-label="Sections"><a href="#completion">Completion</a><a href="#matrix">Every check, every learner</a><a href="#failures">Most common failures</a><a href="#figures">Measured figures</a>${flagged.length > 0 ? html`<a href="#flagged">Needs a look</a>` : ''}${data.leftOut.length > 0 ? html`<a href="#left-out">Files left out</a>` : ''}</nav>
</header>
${completionSection(completion)}
${matrixSection(matrix, anchors)}
${failuresSection(failures, learners.length, options.topFailures ?? 15, anchors)}
${figuresSection(figures)}
${flaggedSection(flagged)}
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

/** A group nobody ran (the AWS checks of a class that stayed local) says so instead of showing 0%. */
function exerciseRow(e: ExerciseCompletion): Html {
  if (e.ran === 0) {
    return html`<tr class="not-run"><th scope="row">${e.title}</th><td colspan="2" class="not-run">not run: no learner’s file has these checks judged (skipped on the local target)</td></tr>`;
  }
  return completionRow(e.title, e.passed, e.total, e.percent, 'of learners passed');
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
${lab.exercises.map(exerciseRow)}
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

/**
 * One matrix cell: the status by class and glyph, nothing else. With a
 * thousand learners, a tooltip per cell made the page tens of megabytes; a
 * failed or errored cell links to its failure group instead, where the
 * message is written once for every learner who got it.
 */
function cell(check: CheckResult | undefined, first: string, anchor: string | undefined): Html {
  if (!check) return html`<td class="c s-none${first}">${NOT_RUN_GLYPH}</td>`;
  const glyph = anchor ? html`<a href="#${anchor}">${STATUS_GLYPH[check.status]}</a>` : STATUS_GLYPH[check.status];
  return html`<td class="c s-${check.status}${first}">${glyph}</td>`;
}

function matrixTable(matrix: Matrix, rows: MatrixRow[], groups: ColumnGroup[], label: string, anchors: Map<string, string>): Html {
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
${rows.map((row) => {
  const targets = [...new Set(row.learner.labs.map((d) => d.target))];
  const cells = columns.map((c) => row.cells[index.get(c.key) as number]);
  const passed = cells.filter((c) => c?.status === 'pass').length;
  const counted = cells.filter((c) => c && c.status !== 'skipped').length;
  const errors = cells.filter((c) => c?.status === 'error').length;
  return html`<tr data-learner="${row.learner.id}">
<th scope="row"><span class="who">${row.learner.name}</span>${row.learner.flags.length > 0 ? html` <a class="flag" href="#flagged-${row.learner.id}" title="${row.learner.flags.join('; ')}">⚑</a>` : ''}<span class="sub">${row.learner.name !== row.learner.id ? `${row.learner.id} · ` : ''}${targets.join(', ')}</span></th>
${columns.map((c, i) => {
  const check = cells[i];
  const anchor = check && (check.status === 'fail' || check.status === 'error') ? anchors.get(failureKey(c.lab, check)) : undefined;
  return cell(check, first(c), anchor);
})}
<td class="total">${counted === 0 ? '–' : html`<strong>${passed}</strong> of ${counted}`}${errors > 0 ? html`<br><span class="tag s-error">${errors} error${errors === 1 ? '' : 's'}</span>` : ''}</td>
</tr>`;
})}
</tbody>
<tfoot><tr><th scope="row">Learners who passed <span class="sub">of ${total}</span></th>${columns.map((c) => {
    const n = matrix.passed[index.get(c.key) as number];
    if (matrix.ran[index.get(c.key) as number] === 0)
      return html`<td class="rate not-run${first(c)}" title="${c.id}: not run by any learner">${NOT_RUN_GLYPH}</td>`;
    return html`<td class="rate${first(c)}" title="${c.id}: ${n} of ${total} learners passed">${n}</td>`;
  })}<td class="total"></td></tr></tfoot>
</table>
</div>`;
}

/**
 * A browser lays out every row of an open table before it shows the page:
 * with a thousand learners that took seconds. Past one block the learners
 * come in folded blocks (the first one open), laid out when opened.
 */
export const LEARNERS_PER_BLOCK = 50;

function matrixTables(matrix: Matrix, rows: MatrixRow[], chunks: ColumnGroup[][], anchors: Map<string, string>): Html[] {
  return chunks.map((groups, i) =>
    matrixTable(matrix, rows, groups, `Lab ${groups[0].lab} checks${chunks.length > 1 ? `, table ${i + 1} of ${chunks.length}` : ''}`, anchors),
  );
}

function learnerBlocks(matrix: Matrix, chunks: ColumnGroup[][], anchors: Map<string, string>): Html[] {
  const blocks: Html[] = [];
  for (let from = 0; from < matrix.rows.length; from += LEARNERS_PER_BLOCK) {
    const rows = matrix.rows.slice(from, from + LEARNERS_PER_BLOCK);
    const names = `${rows[0].learner.name} to ${rows[rows.length - 1].learner.name}`;
    blocks.push(html`<details class="learners"${from === 0 ? raw(' open') : ''}><summary>Learners ${from + 1}–${from + rows.length}: ${names}</summary>
${matrixTables(matrix, rows, chunks, anchors)}
</details>`);
  }
  return blocks;
}

function matrixSection(matrix: Matrix, anchors: Map<string, string>): Html {
  const chunks = chunkGroups(matrix.groups);
  const folded = matrix.rows.length > LEARNERS_PER_BLOCK;
  return html`<section id="matrix" aria-labelledby="matrix-h">
<h2 id="matrix-h">Every check, every learner</h2>
<p class="explain">One row per learner, one column per check, grouped by exercise${chunks.length > 1 ? ' (in more than one table, so each fits the screen)' : ''}${folded ? `; ${LEARNERS_PER_BLOCK} learners to a block, open a block to see its learners` : ''}. Select a ✘ or ! cell to read the checker’s message, among the failures below; hover a column heading for the check’s name.</p>
${legend()}
${chunks.length === 0 ? html`<p>These files hold no checks yet: the learners have not run any lab.</p>` : ''}
${chunks.length === 0 ? '' : folded ? learnerBlocks(matrix, chunks, anchors) : matrixTables(matrix, matrix.rows, chunks, anchors)}
</section>`;
}

/** Where each failure group is written out on the page, by its key. */
function failureAnchors(failures: FailureGroup[]): Map<string, string> {
  return new Map(failures.map((f, i) => [f.key, `f${i + 1}`]));
}

const NAMES_SHOWN = 12;

function whoHas(f: FailureGroup): string {
  const more = f.learners.length - NAMES_SHOWN;
  return more > 0 ? `${f.learners.slice(0, NAMES_SHOWN).join(', ')} and ${more} more` : f.learners.join(', ');
}

function failureRow(f: FailureGroup, rank: number | string, classSize: number, anchors: Map<string, string>, withNames: boolean): Html {
  return html`<tr class="failure${f.startingTodo ? ' todo' : ''}" id="${anchors.get(f.key)}" data-check="${f.checkId}" data-count="${f.count}">
<td class="rank">${rank}</td>
<td class="count"><strong>${f.count}</strong> of ${classSize}<div class="meter share" aria-hidden="true"><span style="width:${Math.round((f.count / classSize) * 100)}%"></span></div></td>
<td><span class="check-id mono">${f.checkId}</span><span class="check-name">${f.checkName}</span></td>
<td><span class="message"><span class="glyph s-${f.status}" title="${STATUS_WORD[f.status]}">${STATUS_GLYPH[f.status]}</span>${f.message}</span>${withNames ? html`<span class="who">${whoHas(f)}</span>` : ''}</td>
</tr>`;
}

function failureTable(rows: Html[], cls: string): Html {
  return html`<table class="failures ${cls}">
<thead><tr><th scope="col">#</th><th scope="col">Learners</th><th scope="col">Check</th><th scope="col">Message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/**
 * Real failures first, ranked; the checks that still throw their starting
 * TODO apart (a learner who has not begun needs time, not a second
 * explanation). Every group is on the page, so each failed cell has a target.
 */
function failuresSection(failures: FailureGroup[], classSize: number, top: number, anchors: Map<string, string>): Html {
  const real = failures.filter((f) => !f.startingTodo);
  const todos = failures.filter((f) => f.startingTodo);
  if (failures.length === 0) {
    return html`<section id="failures" aria-labelledby="failures-h"><h2 id="failures-h">Most common failures</h2><p>No learner has a failing check or an error.</p></section>`;
  }
  const shown = real.slice(0, top);
  const rest = real.slice(top);
  return html`<section id="failures" aria-labelledby="failures-h">
<h2 id="failures-h">Most common failures</h2>
${
  real.length === 0
    ? html`<p>No failure yet beyond the starting TODOs below.</p>`
    : html`<p class="explain">Failures and errors grouped by check and message (details such as numbers, values and file locations set aside), ranked by how many learners have them: where to explain again.${rest.length > 0 ? ` The first ${top} of ${real.length}; the others follow, folded.` : ''}</p>
${failureTable(
  shown.map((f, i) => failureRow(f, i + 1, classSize, anchors, true)),
  'top',
)}`
}
${
  rest.length > 0
    ? html`<details class="more-failures"><summary>The other ${rest.length} failures</summary>
${failureTable(
  rest.map((f, i) => failureRow(f, top + i + 1, classSize, anchors, false)),
  'rest',
)}
</details>`
    : ''
}
${
  todos.length > 0
    ? html`<h3 id="todos-h">Not written yet</h3>
<p class="explain">Checks of functions that still throw the starting TODO: these learners have not begun that part yet.</p>
${failureTable(
  todos.map((f) => failureRow(f, '·', classSize, anchors, true)),
  'todos',
)}`
    : ''
}
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

function flaggedSection(flagged: ClassLearner[]): Html | string {
  if (flagged.length === 0) return '';
  return html`<section id="flagged" aria-labelledby="flagged-h">
<h2 id="flagged-h">Needs a look</h2>
<p>These files say things the kit cannot have written. What could not be trusted is left out of the figures above; ask the learner to run the check again.</p>
<dl class="flagged">${flagged.map((l) => html`<dt id="flagged-${l.id}">${l.name} <code>${l.file}</code></dt>${l.flags.map((f) => html`<dd>${f}</dd>`)}`)}</dl>
</section>`;
}

function leftOutSection(data: ClassResults): Html | string {
  if (data.leftOut.length === 0) return '';
  return html`<section id="left-out" aria-labelledby="left-out-h">
<h2 id="left-out-h">Files left out</h2>
<ul class="left-out">${data.leftOut.map((f) => html`<li><code>${f.file}</code> ${f.reason}</li>`)}</ul>
</section>`;
}
