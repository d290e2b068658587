/**
 * Text that came from a file or a command line (a learner id, a file name)
 * made safe to show: escape sequences (colours, cursor moves, OSC window
 * titles and links) and other control characters removed, so a results file
 * cannot rewrite the instructor's terminal or hide itself in the report.
 */
import { stripVTControlCharacters } from 'node:util';

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Keeps newlines and tabs (messages may have several lines). */
export function withoutControls(text: string): string {
  return stripVTControlCharacters(text).replace(CONTROL, '');
}

/** One line for the terminal: control characters removed, line breaks and tabs made spaces. */
export function printable(text: string): string {
  return withoutControls(text).replace(/[\n\t]/g, ' ');
}
