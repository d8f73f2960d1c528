import { copyPlain } from '../../services/engine/state/copy-plain.ts';
import type { EstimatorSnapshot } from './estimator.ts';

/** The key that stands for an estimator snapshot whose kind, version and parameters are the template's. */
const LEARNED = '~learned';

/**
 * What every key's estimator of a keyed operator shares, left out of its checkpoints: the kind,
 * state version and hyperparameters of the estimator and of every estimator nested in it (an
 * ensemble's members), taken from a fresh estimator's snapshot. A key's snapshot then carries only
 * what it learned: the default detectors' ensemble packs in about 60% of the bytes, and a
 * checkpoint packs and collects that much less.
 *
 * `compact` deep-copies a snapshot (as `copyPlain` does), writing each snapshot node that matches
 * the template's node at the same place as `{ "~learned": state }`; a node that differs (another
 * kind, version or parameters) stays whole. `expand` puts the template's headers back, so
 * `restore` checks them as always. `format` names the kinds and versions: an operator keeps it with
 * its checkpoint and refuses one written with another format (a state layout changed in between).
 *
 * @example
 * const template = new SnapshotTemplate(createDefaultDetector().snapshot());
 * const saved = template.compact(detector.snapshot()); // { '~learned': { members: [{ '~learned': {...} }, ...] } }
 * fresh.restore(template.expand(saved));
 * template.format; // 'ensemble@1(seasonal-residual@1,stuck-sensor@1,dropout@1)'
 */
export class SnapshotTemplate {
  readonly format: string;

  constructor(private readonly template: EstimatorSnapshot) {
    this.format = formatOf(template) ?? '';
  }

  /** A copy of `snapshot` sharing nothing with it, without the headers the template holds. */
  compact(snapshot: EstimatorSnapshot): unknown {
    return compactNode(snapshot, this.template);
  }

  /** The snapshot `compact` was given (or a whole snapshot, as older checkpoints hold, unchanged). */
  expand(saved: unknown): EstimatorSnapshot {
    return expandNode(saved, this.template) as EstimatorSnapshot;
  }
}

function isSnapshot(value: unknown): value is EstimatorSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const node = value as Partial<EstimatorSnapshot>;
  return (
    typeof node.kind === 'string' &&
    typeof node.version === 'number' &&
    typeof node.params === 'object' &&
    node.params !== null &&
    'state' in node
  );
}

function isLearned(value: unknown): value is { [LEARNED]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && LEARNED in value;
}

function sameHeader(a: EstimatorSnapshot, b: EstimatorSnapshot): boolean {
  if (a.kind !== b.kind || a.version !== b.version) return false;
  const keys = Object.keys(a.params);
  if (keys.length !== Object.keys(b.params).length) return false;
  for (const key of keys) {
    const x = a.params[key];
    const y = b.params[key];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || JSON.stringify(x) !== JSON.stringify(y))
      return false;
  }
  return true;
}

function compactNode(value: unknown, template: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isSnapshot(value) && isSnapshot(template) && sameHeader(value, template)) {
    return { [LEARNED]: compactNode(value.state, template.state) };
  }
  return mapChildren(value, template, compactNode) ?? copyPlain(value); // Map, typed arrays...
}

function expandNode(value: unknown, template: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isLearned(value)) {
    if (!isSnapshot(template)) {
      throw new Error(
        'a saved estimator has nested state where this estimator has none: the snapshot is damaged',
      );
    }
    const { kind, version, params } = template;
    return { kind, version, params: { ...params }, state: expandNode(value[LEARNED], template.state) };
  }
  return mapChildren(value, template, expandNode) ?? value;
}

/**
 * A new array or plain object of `value`'s items or fields, each through `each` with the
 * template's item or field at the same place; undefined for any other object.
 */
function mapChildren(
  value: object,
  template: unknown,
  each: (child: unknown, inTemplate: unknown) => unknown,
): unknown[] | Record<string, unknown> | undefined {
  if (Array.isArray(value)) {
    const inTemplate = Array.isArray(template) ? template : undefined;
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = each(value[i], inTemplate?.[i]);
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const inTemplate =
    typeof template === 'object' && template !== null ? (template as Record<string, unknown>) : undefined;
  const copy: Record<string, unknown> = {};
  for (const key in value as Record<string, unknown>) {
    copy[key] = each((value as Record<string, unknown>)[key], inTemplate?.[key]);
  }
  return copy;
}

/** `kind@version`, with the nested estimators' in parentheses, in the order they are found. */
function formatOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const nested: string[] = [];
  const inner = isSnapshot(value) ? value.state : value;
  if (typeof inner === 'object' && inner !== null) {
    for (const item of Object.values(inner as Record<string, unknown>)) {
      const items = Array.isArray(item) ? item : [item];
      for (const each of items) {
        const format = formatOf(each);
        if (format) nested.push(format);
      }
    }
  }
  if (!isSnapshot(value)) return nested.length > 0 ? nested.join(',') : undefined;
  return nested.length > 0
    ? `${value.kind}@${value.version}(${nested.join(',')})`
    : `${value.kind}@${value.version}`;
}

/**
 * Refuses to restore `uid` from operator states (one per old subtask) whose `estimatorFormat`
 * differs from `template`'s: those keys' compact snapshots follow another state layout. States
 * without one (written before compact snapshots) hold whole snapshots, which `restore` checks.
 */
export function checkEstimatorFormat(
  uid: string,
  operatorStates: readonly { readonly state: unknown }[],
  template: SnapshotTemplate,
): void {
  for (const { state } of operatorStates) {
    const saved = (state as { estimatorFormat?: unknown } | undefined)?.estimatorFormat;
    if (typeof saved === 'string' && saved !== template.format) {
      throw new Error(
        `cannot restore operator "${uid}": its state was saved by ${saved}, and this Eddy runs ${template.format} ` +
          '(a state layout changed): restore with the Eddy that wrote it, or start the operator afresh',
      );
    }
  }
}
