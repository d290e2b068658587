/** Messages between the local Lambda runtime (lambda-local.ts) and one execution environment (lambda-env.ts). */

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  stack?: string[];
}

/** The parts of Lambda's context object that are plain data (the environment adds the methods). */
export interface ContextData {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
}

export type RuntimeMessage =
  | { type: 'init'; file: string; source: string; handler: string }
  | { type: 'invoke'; requestId: string; event: unknown; context: ContextData; deadline: number };

export type EnvMessage =
  /** The runtime is up and the init phase (importing the module) begins. */
  | { type: 'booted' }
  | { type: 'ready'; initMs: number }
  | { type: 'init-failed'; error: LambdaError }
  | { type: 'log'; requestId?: string; line: string }
  | { type: 'result'; requestId: string; payload?: string; error?: LambdaError; durationMs: number; memoryMb: number }
  | { type: 'crash'; requestId?: string; error: LambdaError };
