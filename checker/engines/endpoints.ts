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

export interface Endpoints {
  target: 'local' | 'aws';
  redis: RedisEndpoint;
  mysql: MysqlEndpoint;
}
