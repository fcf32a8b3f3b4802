/**
 * Errors of message channels ({@link Channel}, {@link Connection}).
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/**
 * Base class of the errors a {@link Connection} or {@link Channel} raises itself.
 * @example
 * ```ts
 * try {
 *   yield* conn.recv();
 * } catch (e) {
 *   if (e instanceof ChannelError) console.log('the channel failed:', e.message);
 *   else throw e;
 * }
 * ```
 */
export class ChannelError extends CurioError {}

/**
 * The authentication handshake failed: the peer's key differs from ours, the peer did
 * not speak the protocol, or it did not finish in time. The connection is closed.
 * @example
 * ```ts
 * try {
 *   using conn = yield* ch.connect({ authkey: 'wrong' });
 * } catch (e) {
 *   if (e instanceof AuthenticationError) console.log('the server does not know our key');
 *   else throw e;
 * }
 * ```
 */
export class AuthenticationError extends ChannelError {}

/**
 * A frame from the peer could not be accepted: its length is over the limit, it was cut
 * short by the end of the stream, or its content could not be deserialised. The
 * connection is closed (the stream can no longer be trusted to be in step).
 * @example
 * ```ts
 * try {
 *   yield* conn.recv();
 * } catch (e) {
 *   if (e instanceof FrameError) console.log('the peer sent a frame over maxFrameSize');
 *   else throw e;
 * }
 * ```
 */
export class FrameError extends ChannelError {}

/**
 * The peer closed the connection at a message boundary: there are no more messages
 * (Python's `EOFError` from `Connection.recv`).
 * @example
 * ```ts
 * try {
 *   for (;;) handle(yield* conn.recv());
 * } catch (e) {
 *   if (!(e instanceof EOFError)) throw e;   // the peer closed the connection
 * }
 * ```
 */
export class EOFError extends ChannelError {}
