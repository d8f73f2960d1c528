import { IncompatibleStateError } from './checkpoint-errors.ts';
import type { StateShape } from './checkpoint-types.ts';

/**
 * Refuses to restore state whose shape (see {@link StateShape}) differs from the running operator's.
 * Shapes compare as JSON values, object keys in any order; the error names the operator and the
 * first difference.
 *
 * @example
 * checkShapeCompatible('window-1', { aggregates: ['count', 'mean'] }, { aggregates: ['count', 'p95'] });
 * // throws IncompatibleStateError: cannot restore operator "window-1": ... (aggregates[1]: saved "mean", now "p95") ...
 */
export function checkShapeCompatible(uid: string, saved: StateShape, current: StateShape): void {
  const difference = firstDifference(saved, current, '');
  if (difference !== undefined) throw new IncompatibleStateError(uid, difference);
}

/** Describes where two JSON values first differ, or `undefined` when they are equal. */
export function firstDifference(saved: unknown, current: unknown, path: string): string | undefined {
  const at = path === '' ? '' : `${path}: `;
  if (Array.isArray(saved) && Array.isArray(current)) {
    for (let i = 0; i < Math.min(saved.length, current.length); i++) {
      const inner = firstDifference(saved[i], current[i], `${path}[${i}]`);
      if (inner !== undefined) return inner;
    }
    if (saved.length !== current.length) {
      return `${at}saved ${saved.length} entries, now ${current.length}`;
    }
    return undefined;
  }
  if (isPlainObject(saved) && isPlainObject(current)) {
    const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
    for (const key of [...keys].sort()) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in current)) return `${child}: saved ${show(saved[key])}, now absent`;
      if (!(key in saved)) return `${child}: absent when saved, now ${show(current[key])}`;
      const inner = firstDifference(saved[key], current[key], child);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (Object.is(saved, current) || (saved === 0 && current === 0)) return undefined;
  return `${at}saved ${show(saved)}, now ${show(current)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
