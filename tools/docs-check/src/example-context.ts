/**
 * The names a TSDoc `@example` may use without declaring them: the socket, stream, task or
 * helper that the surrounding code would have. Add a name here when an example needs one;
 * keep the types honest (an example that misuses one fails the check).
 */
export const EXAMPLE_CONTEXT = `
type Curio = typeof import('curio');
type Operation<T> = import('curio').Operation<T>;
declare const sock: import('curio').Socket, client: import('curio').Socket;
declare const stream: import('curio').SocketStream, s: import('curio').Stream;
declare const conn: import('curio').Connection, ch: import('curio').Channel, channel: import('curio').Channel;
declare const readable: import('node:stream').Readable, addr: import('curio').SocketAddress;
declare const f: import('curio').AsyncFile<string>, out: import('curio').AsyncFile<string>;
declare const task: import('curio').Task, lock: import('curio').Lock, queue: import('curio').Queue<string>;
declare const g: import('curio').TaskGroup<number>;
declare const child: import('node:child_process').ChildProcessWithoutNullStreams;
declare const context: import('curio').SslWrapper;
declare const ctx: import('curio').SSLContext, serverCtx: import('curio').SSLContext, apiContext: import('curio').SSLContext;
declare const ca: import('curio').CertificateAuthority, tlsSock: import('curio').SSLSocket;
type WorkerFn<A extends unknown[], R> = import('curio').WorkerFunction<A, R>;
declare const pool: import('curio').WorkerPool, fibonacci: WorkerFn<[number], number>;
declare const parse: WorkerFn<[string], unknown>, risky: WorkerFn<[string], unknown>, text: string, input: string;
declare const hashFile: WorkerFn<[string], string>, renderPage: WorkerFn<[string], string>;
declare const data: Buffer, crunch: WorkerFn<[Buffer, import('curio').UniversalEvent], void>;
declare const produce: WorkerFn<[import('curio').UniversalQueue<number>, number], void>;
declare const blur: WorkerFn<[Uint8Array, number], Uint8Array>;
declare const compose: WorkerFn<[{ pixels: Uint8Array; alpha: Uint8Array }], Uint8Array>;
declare const db: import('@curio/redis').RedisConnection;
declare function echoServer(address: import('curio').SocketAddress): Operation<void>;
declare const err: import('curio').IOError;
declare const handler: import('curio').ClientHandler;
declare const tracer: import('curio').Activation;
declare const url: string, port: number, primary: string, fallback: string;
declare const request: Buffer, bigBuffer: Buffer, chunks: Buffer[], items: string[], bigArray: number[];
interface Job { name: string; deadline: number }
declare function handle(...args: unknown[]): Operation<void>;
declare function handleItem(value: unknown): void;
declare function lookup(host: string): Operation<string>;
declare function square(n: number): Operation<number>;
declare function fetchCount(name: string): Operation<number>;
declare function download(url: string): Operation<Buffer>;
declare function ask(server: string): Operation<string>;
declare function compute(): Operation<number>;
declare function echoClient(client: import('curio').Socket, address: import('curio').SocketAddress): Operation<void>;
declare function program(): Operation<void>;
declare function heartbeat(...args: unknown[]): Operation<void>;
declare function tick(): Operation<void>;
declare function work(): Operation<void>;
declare function serve(...args: unknown[]): Operation<void>;
declare function serveClients(): Operation<void>;
declare function server(port: number): Operation<void>;
declare function saveEverything(): Operation<void>;
declare function reloadConfig(): Operation<void>;
declare function finishWrite(): Operation<void>;
declare function writeChunk(chunk: Buffer): Operation<void>;
declare function updateSharedState(): Operation<void>;
declare function step1(): Operation<void>;
declare function step2(): Operation<void>;
`;
