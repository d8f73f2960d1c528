import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** A 1-based line and column in the file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Maps a path in a parsed YAML document to where it is written, for error messages. A value in a
 * map is pointed at by its key (`size:` rather than what follows it); an item of a list by the item;
 * a path that does not exist (a missing key) by the nearest thing above it that does.
 *
 * @example
 * const lineCounter = new LineCounter();
 * const doc = parseDocument('windows:\n  - size: ten\n', { lineCounter });
 * positionOf(doc, lineCounter, ['windows', 0, 'size']); // { line: 2, column: 5 }
 */
export function positionOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
): Position {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (const key of path) {
    const next = child(node, key);
    if (next === undefined) break;
    best = next.keyStart ?? rangeStart(next.value) ?? best;
    node = next.value;
  }
  const { line, col } = lineCounter.linePos(best ?? 0);
  return { line, column: col };
}

function child(node: unknown, key: string | number): { keyStart?: number; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = pairsByKey(node).get(String(key));
    if (pair === undefined) return undefined;
    const keyStart = rangeStart(pair.key);
    return keyStart === undefined ? { value: pair.value } : { keyStart, value: pair.value };
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/** Each map's pairs by key (the first of each), built once: a file may have 100,000 problems. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const key = keyOf(item.key);
      if (key !== undefined && !index.has(key)) index.set(key, item);
    }
    pairIndex.set(map, index);
  }
  return index;
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
