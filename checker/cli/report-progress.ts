/**
 * After a run: records it in the progress file and offers the reference
 * solution of each exercise that has just passed. `npm run check` and watch
 * mode both end a run with it.
 */
import type { LabMeta } from '../core/lab.js';
import type { ResultsDocument } from '../core/result.js';
import { solutionOffer } from '../progress/solutions.js';
import { defaultProgressPath, rebuildNotice, recordRun } from '../progress/state.js';
import { say } from './terminal.js';

export function reportProgress(lab: LabMeta, doc: ResultsDocument, tell: (line: string) => void = say, path: string = defaultProgressPath()): void {
  const record = recordRun(doc, path);
  if (record.loadProblem) {
    tell(record.loadProblem);
    if (record.saved) tell(rebuildNotice(doc, lab));
  }
  if (record.saveProblem) tell(record.saveProblem);
  for (const change of record.changes) {
    // Only exercises have a reference solution: not the AWS resources, not the failover drill.
    if (!lab.exercises.some((e) => e.id === change.group) || change.verdict !== 'pass') continue;
    if (change.firstPass || change.previous !== 'pass') tell(solutionOffer(lab, change.group, record.state).reason);
  }
}
