/**
 * Inline SVG charts: no script, no fonts, no network. A horizontal bar chart
 * (one bar per learner) with a value axis, its label, tick marks and the
 * class median, readable from the back of a room.
 */
import { html, type Html } from './escape.js';

export interface Bar {
  label: string;
  value: number;
  /** The value as shown at the end of the bar. */
  valueText: string;
}

export interface BarChartOptions {
  title: string;
  axisLabel: string;
  bars: Bar[];
  median?: { value: number; text: string };
  width?: number;
}

/** A round axis maximum and step (1, 2 or 5 x 10^k) giving about `ticks` intervals. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, step: 0.2 };
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

const FONT = 15;
const BAR = 26;
const GAP = 12;
const CHAR = 8.2; // average glyph width at 15px in a sans-serif font

function shorten(label: string, chars: number): string {
  return label.length <= chars ? label : `${label.slice(0, Math.max(1, chars - 1))}…`;
}

function tickText(value: number, step: number): string {
  const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return value.toFixed(digits);
}

export function barChart(options: BarChartOptions): Html {
  const width = options.width ?? 680;
  const labelChars = Math.min(24, Math.max(6, ...options.bars.map((b) => b.label.length)));
  const left = Math.round(labelChars * CHAR + 16);
  const right = 70; // room for the value text after the longest bar
  const top = 28; // room for the median label
  const plot = width - left - right;
  const height = top + options.bars.length * (BAR + GAP) + 58;
  const axisY = top + options.bars.length * (BAR + GAP);
  const { max, step } = niceScale(Math.max(...options.bars.map((b) => b.value), options.median?.value ?? 0));
  const x = (v: number) => left + (Math.max(0, v) / max) * plot;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 1000; v += step) ticks.push(v);

  const grid = ticks.map(
    (v) => html`<line class="grid" x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${top - 6}" y2="${axisY}"/>
<text class="tick" x="${x(v).toFixed(1)}" y="${axisY + 20}" text-anchor="middle">${tickText(v, step)}</text>`,
  );
  const bars = options.bars.map((b, i) => {
    const y = top + i * (BAR + GAP) + GAP / 2;
    const w = Math.max(2, x(b.value) - left);
    return html`<g class="bar"><title>${b.label}: ${b.valueText}</title>
<text class="label" x="${left - 10}" y="${y + BAR / 2 + FONT / 3}" text-anchor="end">${shorten(b.label, labelChars)}</text>
<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" rx="3"/>
<text class="value" x="${(left + w + 6).toFixed(1)}" y="${y + BAR / 2 + FONT / 3}">${b.valueText}</text></g>`;
  });
  const median =
    options.median && Number.isFinite(options.median.value)
      ? html`<g class="median"><line x1="${x(options.median.value).toFixed(1)}" x2="${x(options.median.value).toFixed(1)}" y1="${top - 8}" y2="${axisY}"/>
<text x="${x(options.median.value).toFixed(1)}" y="${top - 12}" text-anchor="middle">median ${options.median.text}</text></g>`
      : '';
  return html`<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" font-size="${FONT}">
<title>${options.title}</title>
${grid}
<line class="axis" x1="${left}" x2="${left + plot}" y1="${axisY}" y2="${axisY}"/>
<line class="axis" x1="${left}" x2="${left}" y1="${top - 6}" y2="${axisY}"/>
${bars}
${median}
<text class="axis-label" x="${left + plot / 2}" y="${height - 8}" text-anchor="middle">${options.axisLabel}</text>
</svg>`;
}
