/**
 * `@curio/redis`: a Redis client (RESP2) on Curio streams, the first protocol package.
 * Commands with typed replies, pipelines, MULTI/EXEC transactions, pub/sub, connection
 * pools and per-command timeouts. Cancelling a command at any point never puts a
 * connection out of step: an owed reply is drained by the next command, and a pool
 * closes (never reuses) a connection that is not clean.
 * @packageDocumentation
 */
export { connect, RedisConnection, type ConnectOptions } from './connection.js';
export { createPool, RedisPool, type PoolOptions } from './pool.js';
export { RedisCommands, type SetOptions } from './commands.js';
export { CommandBatch, Pipeline, Transaction, type PipelineResult } from './pipeline.js';
export { Subscription, type PubSubMessage } from './pubsub.js';
export { RedisError, RedisReplyError, RedisProtocolError, RedisConnectionError } from './errors.js';
export { encodeCommand, parseReply, INCOMPLETE, type RedisArg, type RespReply, type Parsed, type ReplyLimits } from './resp.js';
export type { RedisValue } from './reply.js';
