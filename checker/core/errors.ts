/**
 * An error the kit explains to the person at the keyboard: one paragraph with
 * the next step, and the exit code that goes with it. Anything else that
 * reaches the top level is a bug in the kit and is reported as such.
 */
export class KitError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
    readonly nextStep?: string,
  ) {
    super(message);
    this.name = 'KitError';
  }
}

export class UsageError extends KitError {
  constructor(message: string, nextStep?: string) {
    super(message, 2, nextStep);
    this.name = 'UsageError';
  }
}

export class EnvironmentError extends KitError {
  constructor(message: string, nextStep?: string) {
    super(message, 2, nextStep);
    this.name = 'EnvironmentError';
  }
}
