/**
 * Errors of message channels ({@link Channel}, {@link Connection}).
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/** Base class of the errors a {@link Connection} or {@link Channel} raises itself. */
export class ChannelError extends CurioError {}

/**
 * The authentication handshake failed: the peer's key differs from ours, the peer did
 * not speak the protocol, or it did not finish in time. The connection is closed.
 */
export class AuthenticationError extends ChannelError {}

/**
 * A frame from the peer could not be accepted: its length is over the limit, it was cut
 * short by the end of the stream, or its content could not be deserialised. The
 * connection is closed (the stream can no longer be trusted to be in step).
 */
export class FrameError extends ChannelError {}

/**
 * The peer closed the connection at a message boundary: there are no more messages
 * (Python's `EOFError` from `Connection.recv`).
 */
export class EOFError extends ChannelError {}
