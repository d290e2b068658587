/**
 * How the kit repeats what someone typed inside a message: in quotes, without
 * control characters (a pasted escape sequence must not repaint the terminal),
 * and cut to a short prefix so a huge value does not bury the sentence.
 */
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
export const ECHO_LIMIT = 40;

export function echo(value: string, limit = ECHO_LIMIT): string {
  const clean = value.replace(CONTROL, '');
  const chars = [...clean];
  return `"${chars.length > limit ? `${chars.slice(0, limit).join('')}…` : clean}"`;
}
