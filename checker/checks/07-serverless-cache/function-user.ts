/**
 * The MySQL user the deployed function signs in as. Only a client inside the
 * VPC can create it, so the checker does, through the tunnel, as the master
 * user: with the password of the stack's app secret (DbAppSecretArn), TLS
 * required, and only the rights a user service needs on the lab database.
 * Idempotent: a second run resets the password to the secret's and leaves
 * the rest as it was.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { explainAwsError } from '../../aws/errors.js';
import { EnvironmentError } from '../../core/errors.js';

export const FUNCTION_USER_PRIVILEGES = 'SELECT, INSERT, UPDATE, DELETE';

export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

/** The statements, in order, with their parameters (user names and the password are bound, never spliced). */
export function functionUserStatements(user: string, password: string, database: string): Array<{ sql: string; params: unknown[] }> {
  if (!IDENTIFIER.test(user) || !IDENTIFIER.test(database)) {
    throw new EnvironmentError(
      `The function user "${user}" or database "${database}" from the stack outputs is not a plain MySQL name (letters, digits, underscores).`,
      'Deploy the current version of the Lab 7 stack (`npm run deploy 7`).',
    );
  }
  return [
    { sql: "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ? REQUIRE SSL", params: [user, password] },
    { sql: "ALTER USER ?@'%' IDENTIFIED BY ? REQUIRE SSL", params: [user, password] },
    { sql: `GRANT ${FUNCTION_USER_PRIVILEGES} ON \`${database}\`.* TO ?@'%'`, params: [user] },
  ];
}

export async function ensureFunctionUser(db: SqlRunner, user: string, password: string, database: string): Promise<void> {
  for (const { sql, params } of functionUserStatements(user, password, database)) await db.query(sql, params);
}

/** The app password: the plain string CDK generated (never shown in a message). */
export async function readAppPassword(secrets: SecretsManagerClient, secretArn: string, ctx: { region?: string; profile?: string }): Promise<string> {
  let out;
  try {
    out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  } catch (err) {
    throw explainAwsError(err, {
      action: 'secretsmanager:GetSecretValue',
      region: ctx.region,
      profile: ctx.profile,
      resource: { kind: 'Secrets Manager secret (function user password)', id: secretArn },
    });
  }
  const value = out.SecretString?.trim();
  if (!value)
    throw new EnvironmentError(
      `The secret ${secretArn} (function user password) has no value.`,
      'Deploy the Lab 7 stack again (`npm run deploy 7`) so it generates the password.',
    );
  return value;
}
