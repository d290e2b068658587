/**
 * A learner's submission: their exercise files (not results) and the kit
 * version they worked with, as one JSON file. `npm run submit` writes it;
 * `npm run grade` judges the files in a fresh copy of the instructor's kit.
 */
import { posix } from 'node:path';

export const SUBMISSION_SCHEMA = 'data-tier-labs/submission@1';

/** Larger than any exercise a person writes; keeps a stray binary or log out. */
export const LARGEST_FILE_BYTES = 256 * 1024;

export interface Submission {
  schema: typeof SUBMISSION_SCHEMA;
  learner: { id: string; name?: string };
  createdAt: string;
  kit: { version: string };
  /** Repository-relative path -> file text; only labs/NN-slug/exercises/<id>.ts paths. */
  files: Record<string, string>;
}

/** The exercise files a submission may carry, by repository-relative path. */
export type ExercisePaths = ReadonlySet<string>;

export type SubmissionOutcome = { ok: true; submission: Submission; ignored: string[] } | { ok: false; problem: string };

export function parseSubmission(text: string, allowed: ExercisePaths): SubmissionOutcome {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not JSON: it must be the file written by `npm run submit`.' };
  }
  if (!isObject(data) || data.schema !== SUBMISSION_SCHEMA) {
    return { ok: false, problem: `is not a submission (its schema is not "${SUBMISSION_SCHEMA}"); a results file goes to \`npm run report\` instead.` };
  }
  const learner = data.learner;
  if (!isObject(learner) || typeof learner.id !== 'string' || learner.id.trim() === '' || !/^[\w.@-]{1,64}$/.test(learner.id.trim())) {
    return { ok: false, problem: 'names no usable learner id (letters, digits, . _ @ - only).' };
  }
  if (!isObject(data.kit) || typeof data.kit.version !== 'string') return { ok: false, problem: 'does not say which kit version it was made with.' };
  if (!isObject(data.files)) return { ok: false, problem: 'carries no files.' };
  const files: Record<string, string> = {};
  const ignored: string[] = [];
  for (const [path, content] of Object.entries(data.files)) {
    const normal = posix.normalize(path);
    if (normal !== path || !allowed.has(path) || typeof content !== 'string' || Buffer.byteLength(content) > LARGEST_FILE_BYTES) {
      ignored.push(path);
      continue;
    }
    files[path] = content;
  }
  if (Object.keys(files).length === 0) return { ok: false, problem: "carries none of this kit's exercise files." };
  const name = typeof learner.name === 'string' && learner.name.trim() ? learner.name.trim() : undefined;
  return {
    ok: true,
    ignored,
    submission: {
      schema: SUBMISSION_SCHEMA,
      learner: name ? { id: learner.id.trim(), name } : { id: learner.id.trim() },
      createdAt: typeof data.createdAt === 'string' ? data.createdAt : '',
      kit: { version: data.kit.version },
      files,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
