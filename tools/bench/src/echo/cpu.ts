/**
 * CPU time and memory of another process, read from Linux's /proc, so the benchmark can
 * show which side (server or load generator) was using its core, and what the server held.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in these ticks (100 on every mainstream build). */
const TICKS_PER_SECOND = 100;

/** A /proc file's text, or null where it cannot be read (not Linux, or the process is gone). */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * User + system CPU time of process `pid` in milliseconds, or null where /proc is not
 * readable (not Linux, or the process is gone).
 */
export function processCpuMs(pid: number): number | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // Fields after the command name (which may hold spaces) start at field 3 ("state");
  // utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * Resident memory of process `pid` in KiB (`VmRSS` in /proc/PID/status), or null where
 * /proc is not readable (not Linux, or the process is gone).
 */
export function processRssKb(pid: number): number | null {
  const status = readProc(`/proc/${pid}/status`);
  if (status === null) return null;
  const match = /^VmRSS:\s*(\d+) kB$/m.exec(status);
  return match === null ? null : Number(match[1]);
}

/** CPU time used by the whole machine since boot, in milliseconds (see {@link machineCpuMs}). */
export interface MachineCpu {
  /** Every core's busy time: processes and the kernel, softirq included. */
  busy: number;
  /** Of which softirq: mostly the network stack's receive work, charged to no process. */
  softirq: number;
}

/**
 * CPU time used by the whole machine (every core, every process, the kernel included),
 * from /proc/stat; null where it is not readable. Lets the benchmark show how much of the
 * machine something other than the server and the generator took.
 */
export function machineCpuMs(): MachineCpu | null {
  const stat = readProc('/proc/stat');
  if (stat === null) return null;
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  // user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  if (!Number.isFinite(busy) || !Number.isFinite(softirq)) return null;
  return { busy: (busy * 1000) / TICKS_PER_SECOND, softirq: (softirq * 1000) / TICKS_PER_SECOND };
}

/**
 * Waits until the machine is quiet: two 250 ms windows in a row in which every core
 * together was busy less than `maxBusy` of one core (default 10%), or `maxWaitMs` has
 * passed. Run before each measurement: the kernel's clean-up of a previous run's
 * thousand connections (FINs, TIME_WAIT) otherwise spills into the next server's first
 * second. Resolves at once where /proc/stat is not readable.
 */
export async function waitForQuietMachine(maxBusy = 0.1, maxWaitMs = 5000): Promise<void> {
  const windowMs = 250;
  const deadline = Date.now() + maxWaitMs;
  let quietWindows = 0;
  let before = machineCpuMs();
  while (before !== null && quietWindows < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = machineCpuMs();
    if (after === null) return;
    quietWindows = (after.busy - before.busy) / windowMs < maxBusy ? quietWindows + 1 : 0;
    before = after;
  }
}
