/**
 * Long lines wrapped at word boundaries to the terminal's width, colours
 * kept (wrap-ansi measures what is shown, not the escape codes). Left to the
 * terminal they break in the middle of words; written to a pipe or a file
 * they stay whole, so logs and searches keep one line per message.
 */
import wrapAnsi from 'wrap-ansi';

/** Narrower than this, wrapping would leave a few words a line: give the terminal the line instead. */
const NARROWEST = 40;

export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  return stream.isTTY && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * `text` (which may have several lines) wrapped so every line fits `width`
 * once indented: the first line after `first`, the others after `indent`
 * (both take the same number of columns). Without a width, nothing is wrapped.
 */
export function wrapIndented(text: string, first: string, indent: string, width: number | undefined): string[] {
  const room = width === undefined ? undefined : Math.max(NARROWEST, width) - indent.length;
  const lines = text.split('\n').flatMap((line) => {
    if (room === undefined) return [line];
    // A line that fits is kept as it is, leading spaces and all (a drill's table keeps its columns).
    const wrapped = wrapAnsi(line, room, { hard: false, trim: true });
    return wrapped.includes('\n') ? wrapped.split('\n') : [line];
  });
  return lines.map((line, i) => `${i === 0 ? first : indent}${line}`);
}
