// Moved to checker/core/run-command.ts so the load and bench commands need not import the CLI; kept for existing imports.
export * from '../core/run-command.js';
