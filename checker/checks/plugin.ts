/**
 * The plug-in contract: everything the generic layers (cli, runner, render,
 * report, ops) may know about one lab. Each lab provides one, in
 * checker/checks/NN-slug/index.ts, and is listed by one line in
 * labs/index.ts. The generic layers loop over plug-ins and never name a lab.
 *
 * Anything heavy (the AWS SDK, a lab's exercise checks, drills) is behind a
 * lazy `() => import(...)`, so listing labs or starting an exercise process
 * loads only what that one lab needs.
 */
import type { LabMeta } from '../core/lab.js';
import type { CheckResult } from '../core/result.js';
import type { Endpoints } from '../engines/endpoints.js';
import type { LabChecks } from './session.js';

export type Target = 'local' | 'aws';

/** How a plug-in talks to the person: lines and progress, never `console` or stdout itself. */
export interface PluginIo {
  /** --json: keep stdout clean (progress goes nowhere). */
  quiet: boolean;
  say(line: string): void;
  progress(text: string): { update(text: string): void; succeed(text?: string): void; fail(text?: string): void };
  /** Says the plan, then asks (or takes --yes); false without a terminal. Never starts anything unasked. */
  confirm(plan: string): Promise<boolean>;
}

/**
 * Runs one of the lab's exercise files (learner's or, with --solutions, the
 * reference) in its own process for a named measurement; resolves to what
 * the measurement reported. Drills and measurements use it.
 */
export type RunMeasurement = (exerciseId: string, measure: string, options?: { timeoutMs?: number; onEvent?: (name: string) => void }) => Promise<unknown>;

/** What a check or drill adds to the results document after the exercises. */
export interface AfterRun {
  checks: CheckResult[];
  measurements?: Record<string, unknown>;
}

/** The engines the local target started, by shape (see LabMeta.localTopology). */
export interface LocalEngines {
  endpoints: Endpoints;
  /** Shape-specific controls a drill may use (e.g. `failover()` of a replica set); opaque to generic layers. */
  control?: unknown;
  stop(): Promise<void>;
}

export interface DrillContext {
  target: Target;
  endpoints: Endpoints;
  io: PluginIo;
  run: RunMeasurement;
  /** Local target only: the running engines. */
  local?: LocalEngines;
}

/**
 * A drill the learner asks for with a flag. The flag is refused (usage error,
 * exit 2) for any lab or target not listed; the CLI builds that message from
 * these specs, so no lab number is typed in a generic layer.
 */
export interface DrillSpec {
  flag: 'failover-drill' | 'resume-drill';
  /** Targets where it runs. */
  targets: Target[];
  /** What the drill does, for `npm run check -- --help` (e.g. "time the resume of the paused cluster"). */
  help?: string;
  /** What a lab needs for the drill, for the refusal in another lab (e.g. "cluster that pauses": "lab 3 has no cluster that pauses"). */
  needs?: string;
  /** Runs after the exercises on the local target (AWS drills are part of the AWS plan's `after`). */
  local?(ctx: DrillContext): Promise<AfterRun>;
  /** On a target it cannot run on, the check to show as `skipped` instead of refusing the flag (e.g. "a local MariaDB never pauses"). */
  skippedLocally?: { id: string; name: string; message: string };
}

/** What the AWS pipeline hands a plan: clients, where, the person, and the lookup flags. */
export interface AwsPlanContext {
  /** checker/aws/clients.ts AwsClients (typed loosely here so this file does not load the SDK). */
  clients: import('../aws/clients.js').AwsClients;
  region?: string;
  profile?: string;
  /** Resources named on the command line instead of the stack outputs. */
  names: { stack?: string; replicationGroup?: string; cluster?: string; dbInstance?: string; replicaInstance?: string; bastionSecurityGroup?: string };
  tunnel: boolean;
  drills: { failover: boolean; resume: boolean };
  io: PluginIo;
  run: RunMeasurement;
  /** Opens SSM port forwards through the bastion when --tunnel is set (else returns the targets as given); the pipeline closes them. */
  reach(targets: Array<{ host: string; port: number }>, bastionInstanceId: string | undefined): Promise<Array<{ host: string; port: number }>>;
  /** Registers a clean-up the pipeline runs at the end, whatever happens. */
  onClose(close: () => Promise<void>): void;
}

/** One inspection of the deployed lab: the resource checks, then how to reach it. */
export interface AwsInspection {
  /** Deployed-resource checks, run before any exercise. */
  checks: CheckResult[];
  /** Endpoints for the exercises; throws EnvironmentError (with the next step) when the lab cannot be reached. */
  endpoints(): Promise<Endpoints>;
  /** Checks that need the endpoints but not the exercises (they replace a resource check of the same id). */
  connected?(endpoints: Endpoints): Promise<CheckResult[]>;
  /** After the exercises: what only AWS can say (metrics, PI, drills); `startedAt` is when the exercises began. */
  after?(endpoints: Endpoints, startedAt: Date): Promise<AfterRun>;
}

export interface AwsPlan {
  inspect(ctx: AwsPlanContext): Promise<AwsInspection>;
}

/** What a lab's deploy guard gets before `npm run deploy N` runs cdk. */
export interface DeployContext {
  clients: import('../aws/clients.js').AwsClients;
  region?: string;
  /** Deploying the finished variant (`--solutions`). */
  solutions: boolean;
  /** A dim line on stderr (for a comparison that could not be made). */
  note(message: string): void;
}

export interface MeasurementRenderer {
  /** The key in ResultsDocument.measurements this renders. */
  key: string;
  /** Terminal lines for the summary tail (chalk instance passed in; no printing); undefined when `value` holds nothing to show. */
  render(c: import('chalk').ChalkInstance, value: unknown, width: number, target: Target): string | undefined;
}

export interface LabPlugin {
  lab: LabMeta;
  /** Exercise checks, session, measurement, seed: loaded in the exercise process (and by `--shell`). */
  checks(): Promise<LabChecks>;
  drills?: DrillSpec[];
  /** The AWS target's plan; absent: "Lab N has no AWS checks yet". */
  aws?(): Promise<AwsPlan>;
  /** The deployed-resource check ids and names, so the local target can list them as skipped. */
  awsCheckNames?(): Promise<Array<{ id: string; name: string }>>;
  /** Before a deploy: throws UsageError for an update CloudFormation would reject (nothing is deployed then). */
  beforeDeploy?(ctx: DeployContext): Promise<void>;
  /** How the summary tail shows this lab's measurements. */
  renderers?(): Promise<MeasurementRenderer[]>;
}

/** Typed identity with validation at registration: exercise ids match between lab.ts and the checks. */
export function defineLabPlugin(plugin: LabPlugin): LabPlugin {
  return plugin;
}
