/**
 * Once-per-run work shared by test workers through a folder: the first caller
 * to claim the folder produces every result in it; the others wait for theirs.
 * Results must appear atomically (written elsewhere, then renamed into place).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CLAIM_DIR = 'claimed';
const FAILED_FILE = 'failed.txt';
const POLL_MS = 200;

/**
 * The path of `name` in `root` once it exists. If no worker has claimed `root` yet, this caller claims it and runs
 * `produce` (synchronously); if `produce` throws, the others are told instead of waiting until `timeoutMs`.
 */
export async function awaitResult(root: string, name: string, produce: () => void, timeoutMs: number): Promise<string> {
  const path = join(root, name);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (existsSync(join(root, FAILED_FILE))) {
      throw new Error(`The shared work failed in another test worker: ${readFileSync(join(root, FAILED_FILE), 'utf8')}`);
    }
    if (claim(root)) {
      try {
        produce();
      } catch (err) {
        writeFileSync(join(root, FAILED_FILE), (err as Error).message);
        throw err;
      }
      if (!existsSync(path)) throw new Error(`The shared work did not produce ${name} in ${root}.`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`No ${name} in ${root} after ${timeoutMs / 1000} s: did the worker producing it stop?`);
    await sleep(POLL_MS);
  }
  return path;
}

/** True for the one caller that gets to produce (creating a folder is atomic). */
function claim(root: string): boolean {
  try {
    mkdirSync(join(root, CLAIM_DIR));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
