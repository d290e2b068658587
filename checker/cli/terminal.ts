// Moved to checker/core/terminal.ts so the load and bench commands need not import the CLI; kept for existing imports.
export * from '../core/terminal.js';
