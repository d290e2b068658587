/**
 * Everything that comes from a results file (names, messages, labels) goes
 * through here before it reaches the page: text content and attribute values
 * alike, so a learner's name can never become markup.
 */
import { withoutControls } from '../core/printable.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Also drops terminal escape sequences and control characters, which have no place in a page. */
export function escapeHtml(value: unknown): string {
  return withoutControls(String(value)).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** Tagged template: interpolated values are escaped unless they are already-built markup. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(value);
}

/** Markup the kit built itself (never text from a results file). */
export const raw = (markup: string): Html => new Html(markup);
