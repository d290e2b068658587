/** Where the exercises find their engines, on either target. */
export interface RedisEndpoint {
  host: string;
  port: number;
  tls?: boolean;
  /** Name the TLS certificate carries, when connecting through a tunnel. */
  servername?: string;
  /** An ACL user's name (AUTH username password); without it, the default user's password. */
  username?: string;
  password?: string;
  /** The account learner code uses (local target); unset, it uses the endpoint's own. */
  learner?: { username: string; password: string };
}

export interface MysqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: boolean;
  servername?: string;
  /** The account learner code uses (local target); unset, it uses the endpoint's own (user, password). */
  learner?: { user: string; password: string };
}

/** A primary and a read replica (Labs 1-3), each with the server id that tells them apart. */
export interface ReplicationEndpoints {
  primary: MysqlEndpoint & { serverId: number };
  replica: MysqlEndpoint & { serverId: number };
  /** An administrator account on both (local only): lets checks pause the replica. */
  admin?: { user: string; password: string };
}

/**
 * An Aurora cluster's endpoints (Lab 3): cluster (writer) and reader endpoints,
 * each instance by its id, and how to ask a server who it is.
 */
export interface ClusterEndpoints {
  writer: MysqlEndpoint;
  reader: MysqlEndpoint;
  /** Instance endpoints by instance id (Aurora's SERVER_ID / @@aurora_server_id). */
  instances: Record<string, MysqlEndpoint>;
  /** One row { server_id, read_only } naming the server that answered. */
  identitySql: string;
  /** Where the cluster topology is (information_schema.replica_host_status on Aurora). */
  topologyTable: string;
  /** Local only: the checker's account for switching the writer. */
  admin?: { user: string; password: string };
}

/** What the exercise process needs to read CloudWatch or the PI API for a deployed lab. */
export interface AwsLocation {
  region: string;
  profile?: string;
  clusterId?: string;
  instanceId?: string;
  dbiResourceId?: string;
}

export interface Endpoints {
  target: 'local' | 'aws';
  redis?: RedisEndpoint;
  /** The database endpoint the lab's code connects to (for Labs 1-3: the one that follows the primary). */
  mysql: MysqlEndpoint;
  replication?: ReplicationEndpoints;
  cluster?: ClusterEndpoints;
  /** Set on the AWS target: where the deployed resources are. */
  aws?: AwsLocation;
}

/** The endpoint as learner code should open it: with the learner's account when it has one. */
export function forLearner<E extends MysqlEndpoint>(endpoint: E): E {
  if (!endpoint.learner) return endpoint;
  return { ...endpoint, user: endpoint.learner.user, password: endpoint.learner.password };
}

export function redisForLearner(endpoint: RedisEndpoint): RedisEndpoint {
  if (!endpoint.learner) return endpoint;
  const { learner, ...rest } = endpoint;
  return { ...rest, username: learner.username, password: learner.password };
}

/** Lab 5's shape: a cache and a database. */
export type CacheEndpoints = Endpoints & { redis: RedisEndpoint };
