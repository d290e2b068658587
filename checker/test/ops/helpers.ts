/** Fake clients and small builders for the ops and cost tests (every AWS call is mocked). */
import type { RunOutput } from '../../aws/tunnel.js';
import { makeOpsClients, type OpsClients } from '../../ops/clients.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export function fakeOpsClients(options: { profile?: string } = {}): OpsClients {
  return makeOpsClients({
    region: REGION,
    profile: options.profile,
    credentials: { accessKeyId: 'AKIAFAKEFORTESTS0000', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
}

export function awsError(name: string, message: string, status = 400): Error {
  const err = new Error(message) as Error & { $metadata: { httpStatusCode: number }; $fault: string };
  err.name = name;
  err.$metadata = { httpStatusCode: status };
  err.$fault = 'client';
  return err;
}

/** A command runner that answers `aws --version` and `session-manager-plugin --version` as told. */
export function fakeRunner(tools: { aws?: string | null; plugin?: string | null; npm?: string | null } = {}) {
  const answer = (version: string | null | undefined, text: (v: string) => string): RunOutput =>
    version ? { ok: true, stdout: text(version), stderr: '', notFound: false } : { ok: false, stdout: '', stderr: '', notFound: true };
  return async (command: string): Promise<RunOutput> => {
    if (command === 'aws') return answer(tools.aws === undefined ? '2.31.4' : tools.aws, (v) => `aws-cli/${v} Python/3.13.7 Linux/6.8 exe/x86_64\n`);
    if (command === 'session-manager-plugin') return answer(tools.plugin === undefined ? '1.2.707.0' : tools.plugin, (v) => `${v}\n`);
    if (command === 'npm' || command === 'npm.cmd') return answer(tools.npm === undefined ? '10.9.2' : tools.npm, (v) => `${v}\n`);
    return { ok: false, stdout: '', stderr: '', notFound: true };
  };
}
