/**
 * `@curio/io`: Curio's I/O layer on Node's own `net`, `dgram`, `dns` and streams.
 * Blocking calls are operations: `const data = yield* sock.recv(1000)`.
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// Tasks blocked in a socket read should show the user's line in where(), not ours.
markLibraryCode();

export * from './constants.js';
export type { InetAddress, SocketAddress } from './address.js';
export { IOError, IncompleteReadError, LimitOverrunError, type IOErrorInfo } from './io-error.js';
export { NodeReader, type NodeReaderOptions } from './reader.js';
export { NodeWriter, type NodeWriterOptions, type BytesLike } from './writer.js';
export { Socket, socket, type NodeSocket, type SocketStreamOptions } from './socket.js';
export { Stream, SocketStream, type LineHandler } from './stream.js';
export {
  tcpServerSocket, unixServerSocket, tcpServer, unixServer, runServer, openConnection, openUnixConnection,
  type SslWrapper, type SslWrapOptions, type ListeningAddress, type TcpServerSocketOptions, type UnixServerSocketOptions, type ClientHandler,
  type ServeOptions, type TcpServerOptions, type UnixServerOptions, type OpenConnectionOptions, type OpenUnixConnectionOptions,
} from './network.js';
export { getaddrinfo, gethostbyname, getnameinfo, type AddrInfo, type GetAddrInfoOptions } from './dns.js';
export { aopen, AsyncFile, SEEK_SET, SEEK_CUR, SEEK_END, type AopenOptions, type BinaryMode, type TextMode } from './file.js';
export type { TextEncoding } from './file-codec.js';
export { UnsupportedOperation, ClosedFileError } from './file-errors.js';
export { Channel, type ChannelOptions, type AuthOptions } from './channel.js';
export { Connection, DEFAULT_MAX_FRAME_SIZE, type ConnectionOptions } from './channel-connection.js';
export type { ByteTransport } from './channel-frame.js';
export type { AuthKey } from './channel-auth.js';
export { ChannelError, AuthenticationError, FrameError, EOFError } from './channel-errors.js';
