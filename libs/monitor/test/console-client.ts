import { connect, type Socket } from 'node:net';

const PROMPT = 'curio > ';

/** A monitor console client over a real socket: send a line, get the answer up to the next prompt. */
export class ConsoleClient {
  private received = '';
  private waiting: ((text: string) => void) | null = null;
  readonly closed: Promise<string>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.deliver();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve(this.received)));
  }

  /** Connects (to a TCP port, or a Unix socket's path) and returns the client with the console's greeting. */
  static async open(port: number | string, host = '127.0.0.1'): Promise<{ client: ConsoleClient; greeting: string }> {
    const socket = typeof port === 'string' ? connect(port) : connect(port, host);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new ConsoleClient(socket);
    const closedFirst = client.closed.then((text) => Promise.reject(new Error(`the console closed before greeting; it sent '${text}'`)));
    return { client, greeting: await Promise.race([client.next(), closedFirst]) };
  }

  /** Sends one command line and returns its answer (without the prompt). */
  command(line: string): Promise<string> {
    this.socket.write(`${line}\n`);
    return this.next();
  }

  close(): void {
    this.socket.destroy();
  }

  private next(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  private deliver(): void {
    const at = this.received.indexOf(PROMPT);
    if (at < 0 || this.waiting === null) return;
    const text = this.received.slice(0, at).replace(/\n$/, '');
    this.received = this.received.slice(at + PROMPT.length);
    const resolve = this.waiting;
    this.waiting = null;
    resolve(text);
  }
}

/** The rows of a `ps` answer as objects, by the table's column positions. */
export function parseTable(text: string): { id: number; state: string; cycles: number; timeout: string; sleep: string; name: string; parent: string }[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith('Task   State'));
  return lines.slice(header + 2).filter((l) => l.trim() !== '').map((l) => ({
    id: Number(l.slice(0, 6).trim()),
    state: l.slice(7, 19).trim(),
    cycles: Number(l.slice(20, 30).trim()),
    timeout: l.slice(31, 39).trim(),
    sleep: l.slice(40, 48).trim(),
    name: l.slice(49, 79).trim(),
    parent: l.slice(80).trim(),
  }));
}
