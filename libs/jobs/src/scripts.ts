/**
 * The Lua scripts that change a queue atomically, and {@link runScript}, which sends one
 * by its SHA1 (EVALSHA) and falls back to EVAL once when the server does not know it yet
 * (a new server, or one restarted).
 *
 * Every script reads the server's clock (TIME), so due times of delayed jobs do not
 * depend on the clocks of the machines that add and run them. Every script is safe to
 * run again after a lost reply (workers retry after reconnecting).
 *
 * A job in the stream is an entry with the fields `id`, `data` (JSON text), `attempts`,
 * `made` (failed attempts so far) and `backoff` (JSON text). A delayed or dead job is a
 * hash with the same fields (dead ones also `error`), its id in a sorted set.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { Operation } from '@curio/kernel';
import { RedisReplyError, type RedisArg, type RedisCommands, type RedisValue } from '@curio/redis';

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: stream, ids, delayed. ARGV: job prefix, then 6 per job: id, given (1: the caller
 * chose it, so it is idempotent), data, attempts, backoff, delay ms. Gives 1 per job added, 0 per duplicate.
 */
const ADD = `${NOW}local out = {}
local prefix = ARGV[1]
for i = 2, #ARGV, 6 do
  local id, given, delay = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 5])
  if given == '1' and redis.call('SADD', KEYS[2], id) == 0 then
    out[#out + 1] = 0
  else
    if delay > 0 then
      redis.call('HSET', prefix .. id, 'id', id, 'data', ARGV[i + 2], 'attempts', ARGV[i + 3], 'made', 0, 'backoff', ARGV[i + 4])
      redis.call('ZADD', KEYS[3], now + delay, id)
    else
      redis.call('XADD', KEYS[1], '*', 'id', id, 'data', ARGV[i + 2], 'attempts', ARGV[i + 3], 'made', 0, 'backoff', ARGV[i + 4])
    end
    out[#out + 1] = 1
  end
end
return out`;

/**
 * KEYS: stream, delayed, dead. ARGV: group, job prefix, entry id, job id, data, attempts,
 * made, backoff, error, retry delay ms (< 0: dead). Acknowledges the failed delivery and
 * files the job as delayed (a retry) or dead. Gives 0 if the delivery was no longer
 * pending (acknowledged already: this is a replay), 1 otherwise.
 */
const FAIL = `${NOW}if redis.call('XACK', KEYS[1], ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[3])
local key = ARGV[2] .. ARGV[4]
redis.call('HSET', key, 'id', ARGV[4], 'data', ARGV[5], 'attempts', ARGV[6], 'made', ARGV[7], 'backoff', ARGV[8], 'error', ARGV[9])
local delay = tonumber(ARGV[10])
if delay >= 0 then
  redis.call('ZADD', KEYS[2], now + delay, ARGV[4])
else
  redis.call('HSET', key, 'failedAt', now)
  redis.call('ZADD', KEYS[3], now, ARGV[4])
end
return 1`;

/**
 * KEYS: delayed, stream. ARGV: job prefix, the most to move. Moves due delayed jobs to the
 * stream. Gives { moved, ms until the next one is due (-1: none) }.
 */
const PROMOTE = `${NOW}local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local f = redis.call('HMGET', key, 'data', 'attempts', 'made', 'backoff')
  if f[1] then
    redis.call('XADD', KEYS[2], '*', 'id', id, 'data', f[1], 'attempts', f[2], 'made', f[3], 'backoff', f[4])
  end
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], id)
end
local nextDue = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = -1
if nextDue[2] then wait = math.max(0, tonumber(nextDue[2]) - now) end
return { #ids, wait }`;

/** KEYS: dead, stream. ARGV: job prefix, id. Puts a dead job back in the stream with its attempts reset. Gives 1, or 0 if no such dead job. */
const RETRY_DEAD = `if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
local key = ARGV[1] .. ARGV[2]
local f = redis.call('HMGET', key, 'data', 'attempts', 'backoff')
redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'data', f[1], 'attempts', f[2], 'made', 0, 'backoff', f[3])
redis.call('DEL', key)
return 1`;

/** KEYS: dead. ARGV: job prefix, id. Forgets a dead job. Gives 1, or 0 if no such dead job. */
const REMOVE_DEAD = `if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('DEL', ARGV[1] .. ARGV[2])
return 1`;

/**
 * KEYS: stream. ARGV: group, entry ids. Gives deliveries back that a stopping worker never
 * started: each is acknowledged, deleted and added again at the end of the stream, where
 * any worker reads it at once (rather than after the visibility timeout). Gives how many.
 */
const REQUEUE = `local n = 0
for i = 2, #ARGV do
  local e = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 and e[1] then
    redis.call('XADD', KEYS[1], '*', unpack(e[1][2]))
    n = n + 1
  end
  redis.call('XDEL', KEYS[1], ARGV[i])
end
return n`;

/** @internal A script and its SHA1. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** @internal */
export const SCRIPTS = {
  add: script('add', ADD),
  fail: script('fail', FAIL),
  promote: script('promote', PROMOTE),
  retryDead: script('retryDead', RETRY_DEAD),
  removeDead: script('removeDead', REMOVE_DEAD),
  requeue: script('requeue', REQUEUE),
} as const;

/** @internal Runs `s` with `keys` and `args`: EVALSHA, then EVAL if the server has not seen it. */
export function* runScript(redis: RedisCommands, s: Script, keys: readonly RedisArg[], args: readonly RedisArg[]): Operation<RedisValue> {
  try {
    return yield* redis.command('EVALSHA', s.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof RedisReplyError) || error.code !== 'NOSCRIPT') throw error;
    return yield* redis.command('EVAL', s.source, keys.length, ...keys, ...args);
  }
}
