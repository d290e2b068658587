/**
 * Reads a command line into flags and positionals, and refuses anything the
 * command would otherwise drop: unknown flags, flags without their value,
 * empty values, extra arguments, and flags npm kept for itself (written before
 * `--`, npm takes them as its own config and hands the command only their
 * values). Every refusal is one UsageError in the kit's words, with the usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import { echo } from './echo.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  /** The npm script that runs the command (`check`, `lab`, `load`, ...): npm names it in npm_lifecycle_event. */
  script: string;
  /** One usage paragraph, said after every refusal. */
  usage: string;
  /** How many positional arguments the command takes (default 0). */
  maxPositionals?: number;
  /** Says what the positionals are, for the refusal of an extra one, e.g. "one lab number". */
  positionalsAre?: string;
  /** String flags that may be given an empty value (a password). */
  allowEmpty?: readonly string[];
}

/** The flags npm kept: its own config variables named after the command's flags, set by this run of the script. */
export function flagsNpmKept(options: OptionSpec, script: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.npm_lifecycle_event !== script) return [];
  const kept: string[] = [];
  for (const name of Object.keys(options)) {
    if (name === 'help') continue; // npm answers --help itself and never starts the command
    // npm reads --no-color as color=false.
    const negated = name.startsWith('no-');
    const value = env[`npm_config_${(negated ? name.slice(3) : name).replace(/-/g, '_')}`];
    if (value === undefined || value === '') continue;
    if (negated ? value === 'false' : value !== 'false') kept.push(`--${name}`);
  }
  return kept;
}

function refuse(message: string, spec: CommandSpec): never {
  throw new UsageError(message, spec.usage);
}

export function parseCommandLine<O extends OptionSpec>(argv: string[], options: O, spec: CommandSpec, env: NodeJS.ProcessEnv = process.env) {
  const kept = flagsNpmKept(options, spec.script, env);
  if (kept.length > 0) {
    const list = kept.join(', ');
    refuse(
      `npm took ${list} for itself: flags written before \`--\` go to npm, not to the kit, so this run would have gone ahead without ${kept.length === 1 ? 'it' : 'them'}. ` +
        `Put \`--\` before the kit's flags (npm run ${spec.script} -- ...).`,
      spec,
    );
  }
  const loose = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const positionals: string[] = [];
  for (const token of loose.tokens ?? []) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    const shown = token.rawName.startsWith('--') ? `--${token.name}` : token.rawName;
    if (!option) refuse(`${echo(token.rawName)} is not an option of \`npm run ${spec.script}\`.`, spec);
    if (option.type === 'boolean') {
      if (token.value !== undefined) refuse(`${shown} is a switch and takes no value (got ${echo(`${token.rawName}=${token.value}`)}).`, spec);
      continue;
    }
    if (token.value === undefined) refuse(`${shown} needs a value after it.`, spec);
    if (token.value === '' && !spec.allowEmpty?.includes(token.name)) refuse(`${shown} was given an empty value.`, spec);
    if (!token.inlineValue && token.value.startsWith('-')) {
      refuse(
        `${shown} needs a value, but the next argument ${echo(token.value)} starts with a dash, so it reads as another flag. If the value really starts with a dash, write it as --${token.name}=<value>.`,
        spec,
      );
    }
  }
  const max = spec.maxPositionals ?? 0;
  if (positionals.length > max) {
    const extra = positionals
      .slice(max)
      .map((p) => echo(p))
      .join(', ');
    const takes = max === 0 ? 'takes no argument besides its flags' : `takes ${spec.positionalsAre ?? `${max} argument${max === 1 ? '' : 's'}`}`;
    refuse(
      `Unexpected ${extra}: \`npm run ${spec.script}\` ${takes}. If it was meant as a flag's value, the flag is missing (or npm took it: put \`--\` before the kit's flags).`,
      spec,
    );
  }
  // Everything above has been checked, so the strict parse gives the typed values.
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    return refuse(
      `The command line could not be read (${String((err as Error).message)
        .split('\n')[0]!
        .replace(/\.+$/, '')}).`,
      spec,
    );
  }
}
