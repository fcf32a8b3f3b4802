/**
 * The monitor's Unix socket file, removed when the monitor stops or the process exits.
 *
 * This is the kernel's thread's job, not the worker's: a program that exits at once after
 * its kernel shuts down (`process.exit(143)` on SIGTERM) ends the worker before it could
 * act, while an `exit` listener here still runs.
 * @packageDocumentation
 */
import { lstatSync, unlinkSync } from 'node:fs';

/**
 * @internal Takes charge of the socket at `path` (just bound by this monitor): returns what
 * removes it, called at the latest when the process exits. It removes only that socket,
 * never a file put there since.
 */
export function ownSocketFile(path: string): () => void {
  let ours: { dev: number; ino: number } | null = null;
  try {
    const stat = lstatSync(path);
    ours = { dev: stat.dev, ino: stat.ino };
  } catch {
    return () => {}; // already gone
  }
  const remove = () => {
    process.off('exit', remove);
    if (ours === null) return;
    try {
      const stat = lstatSync(path);
      if (stat.dev === ours.dev && stat.ino === ours.ino) unlinkSync(path);
    } catch {
      // Already gone.
    }
    ours = null;
  };
  process.on('exit', remove);
  return remove;
}
