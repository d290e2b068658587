/**
 * Vitest global setup: one folder per test run for the synths the stack tests
 * share (shared-synth.ts), removed when the run ends. Nothing is synthesised
 * here, so runs without stack tests pay nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'stack-synth-'));
  project.provide('stackSynthDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
