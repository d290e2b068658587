/** Where the exercises find their engines, on either target. */
export interface RedisEndpoint {
  host: string;
  port: number;
  tls?: boolean;
  /** Name the TLS certificate carries, when connecting through a tunnel. */
  servername?: string;
  password?: string;
}

export interface MysqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: boolean;
  servername?: string;
}

/** A primary and a read replica (Labs 1-3), each with the server id that tells them apart. */
export interface ReplicationEndpoints {
  primary: MysqlEndpoint & { serverId: number };
  replica: MysqlEndpoint & { serverId: number };
  /** An administrator account on both (local only): lets checks pause the replica. */
  admin?: { user: string; password: string };
}

export interface Endpoints {
  target: 'local' | 'aws';
  redis?: RedisEndpoint;
  /** The database endpoint the lab's code connects to (for Labs 1-3: the one that follows the primary). */
  mysql: MysqlEndpoint;
  replication?: ReplicationEndpoints;
}

/** Lab 5's shape: a cache and a database. */
export type CacheEndpoints = Endpoints & { redis: RedisEndpoint };
