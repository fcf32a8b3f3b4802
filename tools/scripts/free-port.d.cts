/**
 * A TCP port on 127.0.0.1 that nothing listened on a moment ago: only for what cannot
 * listen on port 0 and report the port it got (see free-port.cjs).
 */
export declare function freePort(): Promise<number>;
