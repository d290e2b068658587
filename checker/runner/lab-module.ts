/**
 * Where a lab's plug-in module is, and loading only that one: the exercise
 * process and the runner find a lab's checks by its folder
 * (checker/checks/NN-slug/index.ts), never through the list of all labs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LabChecks } from './lab-checks.js';

/** The one part of a lab's plug-in (checker/checks/plugin.ts) the runner uses. */
interface PluginModule {
  default: { checks(): Promise<LabChecks> };
}

const CHECKS_DIR = fileURLToPath(new URL('../checks/', import.meta.url));

/** The absolute path of lab `labId`'s plug-in module, or undefined when no lab folder has that number. */
export function labModulePath(labId: number, checksDir = CHECKS_DIR): string | undefined {
  const prefix = `${String(labId).padStart(2, '0')}-`;
  const folder = existsSync(checksDir) ? readdirSync(checksDir).find((name) => name.startsWith(prefix)) : undefined;
  const file = folder && join(checksDir, folder, 'index.ts');
  return file && existsSync(file) ? file : undefined;
}

const loaded = new Map<string, Promise<LabChecks>>();

/** The lab's exercise checks and session, from its plug-in module alone. */
export function loadLabChecks(modulePath: string): Promise<LabChecks> {
  let checks = loaded.get(modulePath);
  if (!checks) {
    checks = import(pathToFileURL(modulePath).href).then((module: PluginModule) => module.default.checks());
    loaded.set(modulePath, checks);
  }
  return checks;
}
