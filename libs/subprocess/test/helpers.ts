import fs from 'node:fs';
import { sleep, type Operation } from '@curio/kernel';

/** The pids of this process's children (zombies included), from /proc. */
export function childPids(): number[] {
  const me = String(process.pid);
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[1] === me) pids.push(Number(entry));
  }
  return pids;
}

/** Open file descriptors of this process. */
export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/**
 * Waits (in 10 ms steps, at most `tries` of them) until `condition()` holds; fails with
 * `what` otherwise. For effects Node completes on a later turn (a descriptor closed
 * after a flush), never as a time limit on the behaviour under test.
 */
export function* eventually(what: string, condition: () => boolean, tries = 1000): Operation<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    yield* sleep(10);
  }
  throw new Error(`never happened: ${what}`);
}

/** Runs node with a script, as an argument list. */
export function nodeScript(source: string): string[] {
  return [process.execPath, '-e', source];
}

/** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, ...; null once the pid is free. */
function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The process group of `pid`. */
export function processGroupOf(pid: number): number {
  const fields = statFields(pid);
  if (fields === null) throw new Error(`process ${pid} is gone`);
  return Number(fields[2]);
}

/**
 * True once `pid` is dead: `process.kill(pid, 0)` fails with ESRCH, or it is a zombie that
 * is not ours (reparented to an init that has not reaped it yet: a dead process all the same).
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ESRCH') return true;
    throw error;
  }
  const fields = statFields(pid);
  return fields === null || (fields[0] === 'Z' && fields[1] !== String(process.pid));
}

/** SIGKILL for a process a failed test may have left running. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
