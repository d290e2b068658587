// Moved to checker/core/output-errors.ts so the load and bench commands need not import the CLI; kept for existing imports.
export * from '../core/output-errors.js';
