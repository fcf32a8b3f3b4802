/**
 * Process groups. A child started in a group of its own (`setsid`, Node's `detached`) is
 * signalled together with everything it started by signalling `-pid`, so a cancelled
 * command leaves no grandchild behind (a shell's background job, a compiler's helpers).
 * The groups that may still have members when this process exits are killed then with
 * SIGKILL: nobody is left to watch a grace period.
 * @packageDocumentation
 */

/** Groups started here that may still have members. */
const liveGroups = new Set<number>();

/** Sends `signal` (or 0: a check) to every process of group `pgid`; false if none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // ESRCH: the group is empty. EPERM: its id now belongs to someone else's processes.
    const code = (error as { code?: unknown }).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

/** Remembers group `pgid`, to kill it if this process exits while it may still run. */
export function trackGroup(pgid: number): void {
  if (liveGroups.size === 0) process.on('exit', killLiveGroups);
  liveGroups.add(pgid);
}

/** Forgets group `pgid`: it is empty, or no longer ours to kill. */
export function untrackGroup(pgid: number): void {
  if (!liveGroups.delete(pgid)) return;
  if (liveGroups.size === 0) process.off('exit', killLiveGroups);
}

function killLiveGroups(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
}
