/**
 * A deep copy of plain data, what snapshots hold: primitives are themselves; arrays, plain objects,
 * `Map`, `Set`, typed arrays and `Date` are copied, recursively. Much cheaper than
 * `structuredClone` for the small values of keyed state (an accumulator, a `{ value, ts }`).
 * Throws a `TypeError` for anything else (a class instance, a function): such a value needs a
 * plain form of its own (`snapshotAccumulator` of an aggregate).
 *
 * @example
 * const acc = [3, 2.5, 1.2, 1, 4];
 * const copy = copyPlain(acc); // equal, not the same array: changing acc leaves it alone
 */
export function copyPlain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') throw notPlain(value);
    return value;
  }
  if (Array.isArray(value)) {
    const n = value.length;
    const copy = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i];
      copy[i] = typeof item === 'object' && item !== null ? copyPlain(item) : checkPrimitive(item);
    }
    return copy as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const copy: Record<string, unknown> = {};
    for (const key in value as Record<string, unknown>) {
      copy[key] = copyPlain((value as Record<string, unknown>)[key]);
    }
    return copy as T;
  }
  if (value instanceof Map) {
    const copy = new Map();
    for (const [k, v] of value) copy.set(copyPlain(k), copyPlain(v));
    return copy as T;
  }
  if (value instanceof Set) {
    const copy = new Set();
    for (const item of value) copy.add(copyPlain(item));
    return copy as T;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return (value as unknown as { slice(): T }).slice();
  }
  if (value instanceof Date) return new Date(value.getTime()) as T;
  throw notPlain(value);
}

function checkPrimitive(value: unknown): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') throw notPlain(value);
  return value;
}

function notPlain(value: unknown): TypeError {
  const what =
    typeof value === 'object' && value !== null
      ? `an instance of ${(value as object).constructor?.name ?? 'a class'}`
      : `a ${typeof value}`;
  return new TypeError(
    `state holds ${what}, which a checkpoint cannot carry as plain data: keep plain values ` +
      '(numbers, strings, arrays, objects, Map) in state, or give the aggregate snapshotAccumulator/restoreAccumulator',
  );
}
