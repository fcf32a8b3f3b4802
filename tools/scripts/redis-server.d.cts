/** A throwaway redis-server (see redis-server.cjs). */
export interface RedisServer {
  port: number;
  pid: number;
  dir: string;
  /** SIGTERM (then SIGKILL); removes the directory unless it was given. */
  stop(): Promise<void>;
  /** SIGKILL; keeps the directory. */
  kill(): Promise<void>;
}
export interface RedisServerOptions {
  port?: number;
  dir?: string;
  persist?: boolean;
}
export declare function startRedisServer(options?: RedisServerOptions): Promise<RedisServer>;
export declare function ensureRedisServer(): string;
