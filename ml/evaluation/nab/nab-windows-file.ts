import { parseNabTimestamp } from './nab-timestamp.ts';

/** A window as written in `windows.json`: its two NAB timestamps and the instants they name. */
export interface NabWindowEntry {
  readonly start: string;
  readonly end: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Reads a NAB `windows.json` (NAB's `labels/combined_windows.json`, already JSON-parsed):
 * `{"<category>/<file>.csv": [["start", "end"], ...]}` with NAB timestamps, each window starting no
 * later than it ends and after the previous one ends. Throws an error naming `source`, the file and
 * the window otherwise. (That each timestamp is a record of the file is checked by the loader.)
 *
 * @example
 * parseNabWindows({ 'a/b.csv': [['2014-04-10 07:15:00.000000', '2014-04-11 16:45:00.000000']] })
 *   .get('a/b.csv')?.[0]?.startMs; // 1397114100000
 */
export function parseNabWindows(json: unknown, source = 'windows.json'): Map<string, NabWindowEntry[]> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${source}: expected an object {"<category>/<file>.csv": [["start", "end"], ...]}`);
  }
  const byFile = new Map<string, NabWindowEntry[]>();
  for (const [file, list] of Object.entries(json)) {
    if (!Array.isArray(list))
      throw new Error(`${source}: "${file}": expected a list of ["start", "end"] windows`);
    const windows: NabWindowEntry[] = [];
    list.forEach((pair: unknown, k) => {
      const what = `${source}: "${file}" window ${k + 1}`;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        typeof pair[0] !== 'string' ||
        typeof pair[1] !== 'string'
      ) {
        throw new Error(`${what}: expected ["start", "end"], got ${JSON.stringify(pair)}`);
      }
      const [start, end] = pair as [string, string];
      const startMs = parseNabTimestamp(start);
      const endMs = parseNabTimestamp(end);
      if (startMs === undefined || endMs === undefined) {
        throw new Error(
          `${what}: expected "YYYY-MM-DD HH:MM:SS[.ffffff]" timestamps, got ${JSON.stringify(pair)}`,
        );
      }
      if (startMs > endMs) throw new Error(`${what}: ends (${end}) before it starts (${start})`);
      const previous = windows[windows.length - 1];
      if (previous !== undefined && startMs <= previous.endMs) {
        throw new Error(`${what}: starts (${start}) before window ${k} ends (${previous.end})`);
      }
      windows.push({ start, end, startMs, endMs });
    });
    byFile.set(file, windows);
  }
  return byFile;
}
