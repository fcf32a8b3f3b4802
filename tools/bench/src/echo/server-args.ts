/**
 * What the baseline echo servers share with the Curio example: the port argument and the
 * line that says the server is ready.
 * @packageDocumentation
 */

/** The port given as the first argument (required: the benchmark picks a free one). */
export function portArgument(argv: readonly string[]): number {
  const port = Number(argv[0]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`expected a port number as the first argument, got '${argv[0] ?? ''}'`);
  return port;
}

/** `Server listening at ('', 25000)`: the Curio example's ready line, word for word. */
export function listeningLine(port: number): string {
  return `Server listening at ('', ${port})`;
}
