// Moved to checker/core/spinner.ts so the load and bench commands need not import the CLI; kept for existing imports.
export * from '../core/spinner.js';
