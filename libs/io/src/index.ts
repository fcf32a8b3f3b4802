/**
 * `@curio/io`: Curio's I/O layer on Node's own `net`, `dgram`, `dns` and streams.
 * Blocking calls are operations: `const data = yield* sock.recv(1000)`.
 *
 * Layout: `socket/` (sockets, their readers and writers, streams, servers), `file/`
 * (`aopen`), `channel/` (message channels), `dns.ts`; what all of them share stays at
 * the top (`address.ts`, `constants.ts`, `io-error.ts`).
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// Tasks blocked in a socket read should show the user's line in where(), not ours.
markLibraryCode();

export * from './constants.js';
export type { InetAddress, SocketAddress } from './address.js';
export { IOError, IncompleteReadError, LimitOverrunError, type IOErrorInfo } from './io-error.js';
export { NodeReader, type NodeReaderOptions } from './socket/reader.js';
export { NodeWriter, type NodeWriterOptions, type BytesLike } from './socket/writer.js';
export { Socket, socket, type NodeSocket, type SocketStreamOptions } from './socket/socket.js';
export { Stream, SocketStream, type LineHandler } from './socket/stream.js';
export {
  tcpServerSocket, unixServerSocket, tcpServer, unixServer, runServer, openConnection, openUnixConnection,
  type SslWrapper, type SslWrapOptions, type ListeningAddress, type TcpServerSocketOptions, type UnixServerSocketOptions, type ClientHandler,
  type ServeOptions, type TcpServerOptions, type UnixServerOptions, type OpenConnectionOptions, type OpenUnixConnectionOptions,
} from './socket/network.js';
export { getaddrinfo, gethostbyname, getnameinfo, type AddrInfo, type GetAddrInfoOptions } from './dns.js';
export { aopen, AsyncFile, SEEK_SET, SEEK_CUR, SEEK_END, type AopenOptions, type BinaryMode, type TextMode } from './file/file.js';
export type { TextEncoding } from './file/codec.js';
export { UnsupportedOperation, ClosedFileError } from './file/errors.js';
export { Channel, type ChannelOptions, type AuthOptions } from './channel/channel.js';
export { Connection, DEFAULT_MAX_FRAME_SIZE, type ConnectionOptions } from './channel/connection.js';
export type { ByteTransport } from './channel/frame.js';
export type { AuthKey } from './channel/auth.js';
export { ChannelError, AuthenticationError, FrameError, EOFError } from './channel/errors.js';
