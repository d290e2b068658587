// Moved to checker/core/command-line.ts so the load and bench commands need not import the CLI; kept for existing imports.
export * from '../core/command-line.js';
