/** Messages between the exercise runner and the child process that runs learner code. */
import type { CheckResult } from '../core/result.js';
import type { Endpoints } from '../engines/endpoints.js';

export interface RunRequest {
  labId: number;
  /** Absolute path of the lab's plug-in module (checker/checks/NN-slug/index.ts): the process loads this lab only. */
  labModule: string;
  exerciseId: string;
  file: string;
  endpoints: Endpoints;
  callTimeoutMs: number;
  /** Run only the checks with these ids (all when absent). */
  only?: string[];
  /** After the checks, run this measurement with the learner's code (see LabSession.measure). */
  measure?: string;
}

export type ChildMessage =
  | { type: 'loading' }
  | { type: 'start'; id: string }
  | { type: 'result'; result: CheckResult }
  | { type: 'load-failed'; message: string }
  | { type: 'environment'; message: string }
  | { type: 'measurement'; data: unknown }
  | { type: 'event'; name: string }
  | { type: 'done' };
