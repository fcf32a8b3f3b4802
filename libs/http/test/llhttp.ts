// The other side of the differential test: a real node:http server (llhttp) on 127.0.0.1,
// fed raw bytes over a socket per case, reporting what it parsed.
import http from 'node:http';
import net from 'node:net';

/** A request as either parser saw it, in a form both can be compared in. */
export interface SeenRequest {
  method: string;
  target: string;
  /** Header fields with names lower-cased, in order. */
  headers: Array<[string, string]>;
  /** The body bytes as latin1. */
  body: string;
  trailers: Array<[string, string]>;
}

/** What a parser made of a case: the requests it completed, and whether it rejected the bytes. */
export interface Outcome {
  requests: SeenRequest[];
  rejected: boolean;
  /** The error code or message when rejected. */
  detail: string;
}

const pairs = (raw: string[]): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
  return out;
};

interface Recording {
  requests: Array<{ req: http.IncomingMessage; body: Buffer[] }>;
  error: string | undefined;
}

export class NodeParser {
  private readonly server: http.Server;
  private readonly recordings = new Map<number, Recording>();
  private port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      const entry = { req, body: [] as Buffer[] };
      this.recording(req.socket).requests.push(entry);
      // Body bytes arrive synchronously from llhttp's callbacks while the stream flows, and
      // req.complete is set when llhttp finishes the message, so a request cut short by a
      // later parse error on the same connection is still seen as llhttp parsed it.
      req.on('data', (chunk: Buffer) => entry.body.push(chunk));
      req.on('error', () => undefined);
      req.on('end', () => res.end());
    });
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
      this.recording(socket).error = err.code ?? err.message;
      socket.destroy();
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = (this.server.address() as net.AddressInfo).port;
      resolve();
    }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Sends `bytes` on a new connection, half-closes it, and reports what the server parsed once the server has closed it. */
  parse(bytes: Buffer): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let key = 0;
      socket.on('connect', () => {
        key = socket.localPort!;
        this.recordings.set(key, { requests: [], error: undefined });
        socket.end(bytes);
      });
      // Node answers some bad requests itself (a missing Host: 400) instead of raising clientError.
      let answers = '';
      socket.on('data', (chunk: Buffer) => { answers += chunk.toString('latin1'); });
      socket.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e); });
      socket.on('close', () => setImmediate(() => {
        const rec = this.recordings.get(key);
        this.recordings.delete(key);
        if (rec === undefined) { reject(new Error('the connection closed before it was accepted')); return; }
        const requests = rec.requests.filter(({ req }) => req.complete).map(({ req, body }) => ({
          method: req.method ?? '',
          target: req.url ?? '',
          headers: pairs(req.rawHeaders),
          body: Buffer.concat(body).toString('latin1'),
          trailers: pairs(req.rawTrailers),
        }));
        const refusal = /^HTTP\/1\.1 ([45]\d\d)/m.exec(answers);
        const detail = rec.error ?? (refusal === null ? '' : `answered ${refusal[1]}`);
        resolve({ requests, rejected: detail !== '', detail });
      }));
    });
  }

  private recording(socket: net.Socket): Recording {
    const rec = this.recordings.get(socket.remotePort!);
    if (rec === undefined) throw new Error(`no recording for a connection from port ${socket.remotePort}`);
    return rec;
  }
}
