/**
 * The mutual authentication handshake of channels, after Python's
 * `multiprocessing.connection` (`deliver_challenge` / `answer_challenge`): each side
 * sends the other a random message and checks that the reply is its HMAC under the
 * shared key, so both prove they know the key without sending it. HMAC-SHA256 over a
 * 32-byte random message.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Operation } from '@curio/kernel';
import { AuthenticationError, FrameError } from './errors.js';
import type { FramedStream } from './frame.js';
import { describeValue } from '@curio/kernel';

const CHALLENGE = Buffer.from('#CHALLENGE#');
const WELCOME = Buffer.from('#WELCOME#');
const FAILURE = Buffer.from('#FAILURE#');
const MESSAGE_LENGTH = 32;
/** Handshake frames are small; a peer sending more is not speaking the protocol. */
const MAX_HANDSHAKE_FRAME = 256;

/**
 * An authentication key: bytes, or a string (taken as UTF-8).
 * @example
 * ```ts
 * const key: AuthKey = crypto.getRandomValues(new Uint8Array(32));   // or a string
 * const [conn] = [yield* ch.accept({ authkey: key })];
 * ```
 */
export type AuthKey = Uint8Array | string;

/**
 * Checks and normalises a key.
 * @throws TypeError for a key that is not bytes or a string; RangeError for an empty key.
 */
export function authKeyBytes(operation: string, key: unknown): Buffer {
  let bytes: Buffer;
  if (typeof key === 'string') bytes = Buffer.from(key, 'utf8');
  else if (key instanceof Uint8Array) bytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  else throw new TypeError(`${operation}(): authkey must be a Buffer, Uint8Array or string, got ${describeValue(key)}`);
  if (bytes.length === 0) throw new RangeError(`${operation}(): authkey must not be empty (omit it to connect without authentication)`);
  return bytes;
}

function digest(key: Buffer, message: Buffer): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

/** Challenges the peer: it must answer with the HMAC of a random message. */
function* deliverChallenge(frames: FramedStream, key: Buffer, operation: string): Operation<void> {
  const message = randomBytes(MESSAGE_LENGTH);
  yield* frames.writeFrame(operation, Buffer.concat([CHALLENGE, message]));
  const response = yield* frames.readFrame(operation, MAX_HANDSHAKE_FRAME);
  const expected = digest(key, message);
  if (response.length === expected.length && timingSafeEqual(response, expected)) {
    yield* frames.writeFrame(operation, WELCOME);
    return;
  }
  yield* frames.writeFrame(operation, FAILURE);
  throw new AuthenticationError(`${operation}(): authentication failed: the peer's digest was wrong (its authkey differs)`);
}

/** Answers the peer's challenge with the HMAC of its message. */
function* answerChallenge(frames: FramedStream, key: Buffer, operation: string): Operation<void> {
  const challenge = yield* frames.readFrame(operation, MAX_HANDSHAKE_FRAME);
  if (challenge.length <= CHALLENGE.length || !challenge.subarray(0, CHALLENGE.length).equals(CHALLENGE)) {
    throw new AuthenticationError(`${operation}(): authentication failed: the peer sent no challenge (does it use an authkey?)`);
  }
  yield* frames.writeFrame(operation, digest(key, challenge.subarray(CHALLENGE.length)));
  const verdict = yield* frames.readFrame(operation, MAX_HANDSHAKE_FRAME);
  if (!verdict.equals(WELCOME)) {
    throw new AuthenticationError(`${operation}(): authentication failed: the peer rejected our digest (our authkey differs)`);
  }
}

/** The server's half: challenge the client, then answer its challenge. */
export function* authenticateServer(frames: FramedStream, key: Buffer, operation = 'accept'): Operation<void> {
  yield* handshake(operation, function* () {
    yield* deliverChallenge(frames, key, operation);
    yield* answerChallenge(frames, key, operation);
  });
}

/** The client's half: answer the server's challenge, then challenge it. */
export function* authenticateClient(frames: FramedStream, key: Buffer, operation = 'connect'): Operation<void> {
  yield* handshake(operation, function* () {
    yield* answerChallenge(frames, key, operation);
    yield* deliverChallenge(frames, key, operation);
  });
}

/** Runs a handshake; a frame that breaks the protocol means the peer does not speak it. */
function* handshake(operation: string, steps: () => Operation<void>): Operation<void> {
  try {
    yield* steps();
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    throw new AuthenticationError(`${operation}(): authentication failed: the peer does not follow the handshake (${error.message})`, { cause: error });
  }
}
