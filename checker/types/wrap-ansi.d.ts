/** wrap-ansi 6 ships no types: the one call the kit makes. */
declare module 'wrap-ansi' {
  interface Options {
    /** Break words longer than the width (default false: they overflow). */
    hard?: boolean;
    /** Break at word boundaries (default true). */
    wordWrap?: boolean;
    /** Trim whitespace at the start and end of wrapped lines (default true). */
    trim?: boolean;
  }
  export default function wrapAnsi(input: string, columns: number, options?: Options): string;
}
