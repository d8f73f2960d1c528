import { parseNabTimestamp } from './nab-timestamp.ts';

/**
 * Reads a NAB `labels.json` (NAB's `labels/combined_labels.json`, already JSON-parsed): the raw
 * anomaly timestamps each file's windows are centred on, `{"<category>/<file>.csv": ["<timestamp>",
 * ...]}`, to epoch ms. Informative only: NAB scores against the windows. Throws an error naming
 * `source`, the file and the entry when it is not of that form.
 *
 * @example
 * parseNabLabels({ 'a/b.csv': ['2014-04-11 00:00:00'] }).get('a/b.csv'); // [1397174400000]
 */
export function parseNabLabels(json: unknown, source = 'labels.json'): Map<string, number[]> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${source}: expected an object {"<category>/<file>.csv": ["timestamp", ...]}`);
  }
  const byFile = new Map<string, number[]>();
  for (const [file, list] of Object.entries(json)) {
    if (!Array.isArray(list)) throw new Error(`${source}: "${file}": expected a list of timestamps`);
    byFile.set(
      file,
      list.map((entry: unknown, k) => {
        const t = typeof entry === 'string' ? parseNabTimestamp(entry) : undefined;
        if (t === undefined) {
          throw new Error(
            `${source}: "${file}" label ${k + 1}: expected "YYYY-MM-DD HH:MM:SS[.ffffff]", got ${JSON.stringify(entry)}`,
          );
        }
        return t;
      }),
    );
  }
  return byFile;
}
