import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Folders searched after `PATH`: Debian puts daemons such as `mosquitto` in `/usr/sbin`, which is
 * often missing from a non-root user's `PATH`.
 */
export const FALLBACK_EXECUTABLE_DIRS: readonly string[] = ['/usr/sbin', '/usr/bin'];

/** Where {@link findExecutable} looks; both default to the process's own environment. */
export interface FindExecutableOptions {
  /** A `PATH`-style list of folders (default `process.env.PATH`). */
  readonly searchPath?: string;
  /** Folders searched after `searchPath` (default {@link FALLBACK_EXECUTABLE_DIRS}). */
  readonly fallbackDirs?: readonly string[];
}

/**
 * The absolute path of the executable file `name`, searched in `PATH`, then in `/usr/sbin` and
 * `/usr/bin`; `undefined` when there is none. A name containing `/` is checked as a path as is.
 *
 * @example
 * findExecutable('influxd'); // '/usr/bin/influxd' (or undefined when InfluxDB is not installed)
 * findExecutable('mosquitto', { searchPath: '' }); // '/usr/sbin/mosquitto', found in the fallbacks
 */
export function findExecutable(name: string, options: FindExecutableOptions = {}): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/')) return isExecutableFile(name) ? resolve(name) : undefined;
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const dirs = [
    ...searchPath.split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir)),
    ...(options.fallbackDirs ?? FALLBACK_EXECUTABLE_DIRS),
  ];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
