/** The aws target: filled in once the AWS modules land. */
import type { LabMeta } from '../core/lab.js';
import type { ResultsDocument } from '../core/result.js';
import { EnvironmentError } from '../core/errors.js';
import type { CommonFlags } from './args.js';
import type { RunOnTarget } from './targets.js';

export async function stackDeployed(_lab: LabMeta, _flags: CommonFlags): Promise<boolean> {
  return false;
}

export async function runOnAws(_lab: LabMeta, _flags: CommonFlags, _body: (run: RunOnTarget) => Promise<ResultsDocument>): Promise<ResultsDocument> {
  throw new EnvironmentError('The aws target is not wired up yet.');
}
