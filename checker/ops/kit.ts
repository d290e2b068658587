// Moved to checker/core/kit.ts: the aws and cost layers use it and sit below ops; kept for existing imports.
export * from '../core/kit.js';
