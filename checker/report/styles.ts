/**
 * The report's one stylesheet, inlined into the page. System fonts only, high
 * contrast for projectors, and status always shown by glyph as well as colour.
 */
export const STYLES = `
:root {
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #0b5cad;
  --pass-bg: #d3f5dc; --pass-ink: #0f5323;
  --fail-bg: #ffdcd7; --fail-ink: #9a0d1f;
  --error-bg: #fde9a6; --error-ink: #6b4300;
  --skipped-bg: #eceff2; --skipped-ink: #4b535c;
  --none-ink: #8c959f;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "DejaVu Sans", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
main { max-width: 1560px; margin: 0 auto; padding: 28px 32px 48px; }
header.page { border-bottom: 3px solid var(--ink); padding-bottom: 14px; margin-bottom: 8px; }
h1 { font-size: 32px; line-height: 1.2; margin: 0 0 6px; }
h2 { font-size: 25px; margin: 40px 0 6px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 19px; margin: 22px 0 6px; }
p { margin: 6px 0; }
.meta, .explain { color: var(--muted); }
.meta strong { color: var(--ink); }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 10px 0 0; font-size: 15px; }
nav.toc a { color: var(--accent); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }

/* completion */
.headline { font-size: 20px; margin: 4px 0 10px; }
.headline .big { font-size: 34px; font-weight: 700; }
table.completion { border-collapse: collapse; width: 100%; max-width: 980px; }
table.completion th, table.completion td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
table.completion th[scope=row] { font-weight: 600; width: 44%; }
table.completion .figure { white-space: nowrap; width: 150px; text-align: right; font-variant-numeric: tabular-nums; }
.meter { height: 18px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; overflow: hidden; }
.meter > span { display: block; height: 100%; background: #2f8f4e; }
.meter.low > span { background: #c4432b; }
.meter.mid > span { background: #c98a00; }
.meter.share > span { background: #c4432b; }

/* legend and matrix */
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 8px 22px; padding: 0; margin: 10px 0 12px; font-size: 15px; }
ul.legend li { display: flex; align-items: center; gap: 8px; }
ul.legend .cell { display: inline-flex; align-items: center; justify-content: center; width: 30px; height: 28px; border-radius: 4px; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 18px; width: fit-content; max-width: 100%; }
table.matrix { border-collapse: separate; border-spacing: 0; font-size: 15px; }
table.matrix th, table.matrix td { border-bottom: 1px solid var(--line); }
table.matrix thead th { background: #fff; font-weight: 600; }
table.matrix th.group { font-size: 14px; line-height: 1.25; text-align: left; padding: 6px 6px; border-left: 2px solid var(--ink); vertical-align: bottom; }
table.matrix th.check { height: 176px; width: 32px; min-width: 32px; padding: 6px 0; vertical-align: bottom; font-weight: 400; font-size: 13px; color: var(--muted); }
table.matrix th.check span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; max-height: 166px; overflow: hidden; text-overflow: ellipsis; }
table.matrix th.learner-col, table.matrix th[scope=row] { position: sticky; left: 0; z-index: 1; background: #fff; text-align: left; padding: 6px 14px 6px 12px; border-right: 1px solid var(--line); min-width: 190px; max-width: 260px; }
table.matrix th[scope=row] .who { display: block; font-weight: 600; overflow-wrap: anywhere; }
table.matrix th[scope=row] .sub { display: block; font-size: 12px; color: var(--muted); font-weight: 400; }
table.matrix td.c { position: relative; text-align: center; width: 32px; min-width: 32px; height: 40px; padding: 0; font-size: 19px; font-weight: 700; border-left: 1px solid #fff; }
table.matrix td.first, table.matrix th.first { border-left: 2px solid var(--ink); }
table.matrix td.total, table.matrix th.total { text-align: right; padding: 4px 12px; white-space: nowrap; font-variant-numeric: tabular-nums; border-left: 2px solid var(--ink); }
table.matrix tfoot th, table.matrix tfoot td { background: var(--soft); font-size: 12px; font-weight: 600; color: var(--ink); }
table.matrix tfoot td.rate { text-align: center; padding: 6px 0; font-size: 14px; font-variant-numeric: tabular-nums; }
table.matrix tfoot th .sub { display: inline; font-weight: 400; color: var(--muted); }
table.matrix tbody tr:hover th, table.matrix tbody tr:hover td.total { background: #eef4fb; }
.s-pass { background: var(--pass-bg); color: var(--pass-ink); }
.s-fail { background: var(--fail-bg); color: var(--fail-ink); }
.s-error { background: var(--error-bg); color: var(--error-ink); }
.s-skipped { background: var(--skipped-bg); color: var(--skipped-ink); }
table.matrix td.c a { color: inherit; text-decoration: none; display: block; }
table.matrix td.c a:hover, table.matrix td.c a:focus { text-decoration: underline; }
table.completion td.not-run { color: var(--muted); font-style: italic; }
details.learners > summary { cursor: pointer; font-weight: 600; margin: 10px 0; }
details.more-failures summary { cursor: pointer; color: var(--accent); margin: 12px 0; }
table.failures.todos .message { color: var(--muted); }
.s-none { background: #fff; color: var(--none-ink); font-weight: 400 !important; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; padding: 0 5px; border-radius: 3px; border: 1px solid var(--line); color: var(--muted); margin-left: 4px; vertical-align: 1px; }

/* failures */
table.failures { border-collapse: collapse; width: 100%; }
table.failures th, table.failures td { padding: 10px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.failures thead th { font-size: 14px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--ink); }
table.failures td.rank { font-size: 20px; font-weight: 700; width: 44px; color: var(--muted); }
table.failures td.count { width: 150px; white-space: nowrap; }
table.failures td.count strong { font-size: 22px; }
table.failures .check-id { font-weight: 600; }
table.failures .check-name { display: block; color: var(--muted); font-size: 14px; }
table.failures .message { font-size: 16px; }
table.failures .message .glyph { display: inline-block; width: 26px; height: 24px; text-align: center; border-radius: 4px; font-weight: 700; margin-right: 6px; }
table.failures .who { display: block; color: var(--muted); font-size: 14px; margin-top: 4px; }

/* charts */
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(600px, 1fr)); gap: 8px 48px; }
figure.chart { margin: 10px 0 0; }
figure.chart figcaption h3 { margin-top: 14px; }
figure.chart figcaption p { font-size: 14px; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg.chart .grid { stroke: #e4e8ec; stroke-width: 1; }
svg.chart .axis { stroke: var(--ink); stroke-width: 1.5; }
svg.chart .tick { fill: var(--muted); font-size: 13px; }
svg.chart .label { fill: var(--ink); }
svg.chart .value { fill: var(--ink); font-weight: 600; }
svg.chart .bar rect { fill: #2f6fbf; }
svg.chart .median line { stroke: #c4432b; stroke-width: 2; stroke-dasharray: 6 4; }
svg.chart .median text { fill: #c4432b; font-size: 13px; font-weight: 600; }
svg.chart .axis-label { fill: var(--ink); font-size: 14px; }
.note { font-size: 14px; color: var(--muted); }

/* learners whose files need a look */
a.flag { color: #b3261e; text-decoration: none; font-weight: 700; }
dl.flagged dt { margin-top: 10px; font-weight: 600; }
dl.flagged dd { margin: 2px 0 2px 20px; }
p.mode { font-size: 14px; }

/* files left out */
ul.left-out li { margin: 4px 0; }
footer { margin-top: 48px; font-size: 13px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }
@media print { .scroll { overflow: visible; border: 0; } h2 { break-before: auto; } section { break-inside: avoid-page; } }
`;
