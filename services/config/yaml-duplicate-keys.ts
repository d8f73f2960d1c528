import { type Document, isMap, isScalar, visit } from 'yaml';

/**
 * Offsets of the keys that repeat an earlier key of the same map, in one linear pass. The yaml
 * package's own check (`uniqueKeys`) compares each key with every earlier one: a file of 100,000
 * `a:` lines would take hours. Parse with `uniqueKeys: false` and call this instead; it reports
 * what the package would ("Map keys must be unique"), at the repeated key.
 *
 * @example
 * const doc = parseDocument('name: a\nname: b\n', { uniqueKeys: false });
 * duplicateKeyOffsets(doc); // [8]
 */
export function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        // Only scalar keys can be equal (the package compares collections by identity).
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id)) offsets.push(key.range?.[0] ?? 0);
        else seen.add(id);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
