/**
 * The path of `command`, installing the Debian package `debianPackage` (default: the
 * command's name) with apt-get first when it is missing (see debian-command.cjs).
 * @throws Error naming the command when it cannot be installed.
 */
export declare function ensureCommand(command: string, debianPackage?: string): string;

/** The path of `command` on PATH (or in the usual system directories), or null. */
export declare function which(command: string): string | null;
