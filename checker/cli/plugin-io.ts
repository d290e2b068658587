/** How the CLI lends a lab's plug-in its voice: lines, progress and confirmations, quiet under --json. */
import type { PluginIo } from '../checks/plugin.js';
import type { CommonFlags } from './args.js';
import { startProgress } from './spinner.js';
import { say } from './terminal.js';

export function pluginIo(flags: CommonFlags): PluginIo {
  return {
    quiet: flags.json,
    say: (line) => {
      if (!flags.json) say(line);
    },
    progress: (text) => startProgress(text, flags.json),
    confirm: async (plan) => (await import('./aws-target.js')).confirmDrill(flags, plan),
  };
}
