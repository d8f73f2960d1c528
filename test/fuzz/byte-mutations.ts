import fc from 'fast-check';

/**
 * Byte-level damage for telemetry payloads, as fast-check values: cut, flip, insert garbage, add a
 * BOM, pad past the size limit, repeat into many records.
 *
 * @example
 * mutate(Buffer.from('{"ts":1,"a":1}'), [{ kind: 'truncate', at: 5 }]).toString(); // '{"ts"'
 */

/** Byte-level damage: cut, flip, insert garbage, add a BOM, pad past the size limit. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'bom' }
  | { kind: 'pad'; bytes: number }
  | { kind: 'repeat'; times: number };

export const mutation = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }), weight: 4 },
    {
      arbitrary: fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        bytes: fc.uint8Array({ maxLength: 8 }),
      }),
      weight: 4,
    },
    { arbitrary: fc.constant({ kind: 'bom' as const }), weight: 2 },
    {
      arbitrary: fc.record({ kind: fc.constant('pad' as const), bytes: fc.integer({ min: 1, max: 1024 }) }),
      weight: 2,
    },
    // Big ones are rarer: each allocates up to 300 KiB.
    {
      arbitrary: fc.record({
        kind: fc.constant('pad' as const),
        bytes: fc.integer({ min: 200 * 1024, max: 300 * 1024 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('repeat' as const),
        times: fc.integer({ min: 2, max: 12_000 }),
      }),
      weight: 2,
    },
  );

/** Applies mutations in order to a payload's bytes. */
export function mutate(payload: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = payload;
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : ('at' in m ? m.at : 0) % (bytes.length + 1);
    if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'flip') {
      bytes = Buffer.from(bytes);
      if (at < bytes.length) bytes[at] = m.byte;
    } else if (m.kind === 'insert') {
      bytes = Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    } else if (m.kind === 'bom') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    else if (m.kind === 'pad') bytes = Buffer.concat([bytes, Buffer.alloc(m.bytes, 0x20)]);
    else if (bytes.length > 0 && bytes.length * m.times < 300 * 1024) {
      // `[r,r,r,…]`: many records (past maxRecords) or past the size limit.
      const one = bytes.toString('latin1');
      bytes = Buffer.from(`[${Array.from({ length: m.times }, () => one).join(',')}]`, 'latin1');
    }
  }
  return bytes;
}
