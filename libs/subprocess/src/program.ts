/**
 * Finding the program to run, and clear errors when it cannot be started.
 * @packageDocumentation
 */
import fs from 'node:fs';
import path from 'node:path';
import { IOError } from '@curio/io';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied (not executable)',
  ENOTDIR: 'a component of the path is not a directory',
  E2BIG: 'the argument list and environment are too long',
  EBADF: 'a file descriptor given as stdin, stdout or stderr is not open',
  EMFILE: 'too many open files in this process',
  EAGAIN: 'too many processes',
};

/**
 * The error for a program that could not be started: an `IOError` with the system's
 * code, naming the program, and the working directory unless the program is simply
 * missing or not executable.
 */
export function spawnFailure(operation: string, program: string, cwd: string | undefined, error: unknown): IOError {
  const e = error as { code?: unknown; errno?: unknown; syscall?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : 'EIO';
  return new IOError(`${operation}: cannot run '${program}': ${reasonFor(code, program, cwd, error)} (${code})`, {
    code,
    errno: typeof e?.errno === 'number' ? e.errno : undefined,
    syscall: typeof e?.syscall === 'string' ? e.syscall : 'spawn',
    cause: error,
  });
}

function reasonFor(code: string, program: string, cwd: string | undefined, error: unknown): string {
  const badCwd = cwd !== undefined && !isDirectory(cwd);
  if (badCwd && code === 'ENOENT') return `the working directory '${cwd}' does not exist`;
  if (badCwd && code === 'ENOTDIR') return `the working directory '${cwd}' is not a directory`;
  if (code === 'ENOENT' && !program.includes('/')) return 'not found in PATH';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  if (code === 'ENOENT' || code === 'EACCES') return reason;
  return `${reason} (working directory '${cwd ?? process.cwd()}')`;
}

/**
 * Checks, before a shell wrapper runs it, that `program` can be executed (as `execvp`
 * would look it up): otherwise the shell would report it as exit status 127 instead of
 * a clear error. Returns the error, or null if the program looks runnable.
 */
export function checkProgram(operation: string, program: string, cwd: string | undefined, env: NodeJS.ProcessEnv): IOError | null {
  const base = cwd ?? process.cwd();
  const candidates = program.includes('/')
    ? [path.resolve(base, program)]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((dir) => path.resolve(base, dir === '' ? '.' : dir, program));
  let denied = false;
  for (const candidate of candidates) {
    try {
      if (!fs.statSync(candidate).isFile()) continue;
      fs.accessSync(candidate, fs.constants.X_OK);
      return null;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EACCES') denied = true;
    }
  }
  const code = denied ? 'EACCES' : 'ENOENT';
  return spawnFailure(operation, program, cwd, Object.assign(new Error(code), { code, syscall: 'spawn' }));
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
