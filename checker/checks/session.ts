/** What a lab's checks give the exercise runner; the contract lives with the runner (checker/runner/lab-checks.ts). */
export * from '../runner/lab-checks.js';
