/**
 * What both TLS benchmark servers take on the command line: `<port> --cert=FILE --key=FILE`.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { portArgument } from '../echo/server-args.js';

/** The port and the certificate chain (PEM text) of a benchmark TLS server. */
export interface TlsServerArgs {
  port: number;
  cert: string;
  key: string;
}

export function tlsServerArgs(argv: readonly string[]): TlsServerArgs {
  const file = (name: string) => {
    const value = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (value === undefined) throw new Error(`--${name}=FILE is required`);
    return readFileSync(value, 'utf8');
  };
  return { port: portArgument(argv), cert: file('cert'), key: file('key') };
}
