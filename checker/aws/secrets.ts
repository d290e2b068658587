/**
 * Reads the lab's secrets from Secrets Manager. Secret values never appear in
 * an error message: only the secret's ARN and what is wrong with its shape.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvironmentError } from '../core/errors.js';
import { explainAwsError } from './errors.js';

export interface SecretReadContext {
  region?: string;
  profile?: string;
}

export interface DbCredentials {
  username: string;
  password: string;
  /** Present in secrets attached to an instance by CDK (`Credentials.fromGeneratedSecret`). */
  host?: string;
  port?: number;
  dbname?: string;
}

async function secretString(secrets: SecretsManagerClient, secretArn: string, what: string, ctx: SecretReadContext): Promise<string> {
  let out;
  try {
    out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (err) {
    throw explainAwsError(err, {
      action: 'secretsmanager:GetSecretValue',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: `Secrets Manager secret (${what})`, id: secretArn },
    });
  }
  if (typeof out.SecretString === 'string' && out.SecretString.length > 0) return out.SecretString;
  if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
  throw new EnvironmentError(
    `The secret ${secretArn} (${what}) has no value.`,
    'Redeploy the stack so it generates the secret again, or set its value in the Secrets Manager console.',
  );
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const TOKEN_FIELDS = ['authToken', 'AuthToken', 'token', 'password', 'auth_token'];

/**
 * The Redis/Valkey AUTH token. Accepts a plain-text secret (what CDK's
 * generated secret without a template holds) or JSON with one of
 * authToken, token or password.
 */
export async function readRedisAuthToken(secrets: SecretsManagerClient, secretArn: string, ctx: SecretReadContext = {}): Promise<string> {
  const raw = await secretString(secrets, secretArn, 'Redis AUTH token', ctx);
  const json = parseJsonObject(raw);
  if (!json) return raw.trim();
  for (const field of TOKEN_FIELDS) {
    const v = json[field];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  throw new EnvironmentError(
    `The secret ${secretArn} holds JSON without an AUTH token field (looked for ${TOKEN_FIELDS.join(', ')}; found ${Object.keys(json).join(', ') || 'no fields'}).`,
    "Point the kit at the secret that holds the replication group's AUTH token (the stack output RedisAuthSecretArn).",
  );
}

/** The database user and password from a JSON secret (RDS and CDK generated secrets use this shape). */
export async function readDbCredentials(secrets: SecretsManagerClient, secretArn: string, ctx: SecretReadContext = {}): Promise<DbCredentials> {
  const raw = await secretString(secrets, secretArn, 'database credentials', ctx);
  const json = parseJsonObject(raw);
  if (!json) {
    throw new EnvironmentError(
      `The secret ${secretArn} is not JSON, so the kit cannot find the database username and password in it.`,
      'Point the kit at the database secret (the stack output DbSecretArn); it holds JSON like {"username": ..., "password": ...}.',
    );
  }
  const { username, password } = json;
  if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) {
    const missing = [typeof username === 'string' && username ? '' : 'username', typeof password === 'string' && password ? '' : 'password']
      .filter(Boolean)
      .join(' and ');
    throw new EnvironmentError(
      `The secret ${secretArn} has no ${missing} field.`,
      'Point the kit at the database secret (the stack output DbSecretArn); it holds JSON like {"username": ..., "password": ...}.',
    );
  }
  const creds: DbCredentials = { username, password };
  if (typeof json.host === 'string') creds.host = json.host;
  const port = typeof json.port === 'number' ? json.port : typeof json.port === 'string' ? Number(json.port) : undefined;
  if (port !== undefined && Number.isInteger(port) && port > 0) creds.port = port;
  if (typeof json.dbname === 'string') creds.dbname = json.dbname;
  return creds;
}
