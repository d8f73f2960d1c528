import { copyPlain } from '../../services/engine/state/copy-plain.ts';
import type { EstimatorSnapshot } from '../core/estimator.ts';
import type { AnomalyDetector, DetectorParamValue } from '../detectors/detector.ts';
import type { IncidentState } from './alert-decision.ts';
import { byKeyGroup } from './keyed-model-snapshots.ts';

/** One key of a detect operator: its detector, incident, the subject events name, its timer. */
export interface DetectEntry {
  readonly keyGroup: number;
  readonly detector: AnomalyDetector;
  readonly incident: IncidentState;
  /** The device and metrics of the key's latest record (what a silence event names). */
  device: string;
  metrics: readonly string[];
  /** The event time of the key's pending silence check (timer-driven detectors), or null. */
  timer: number | null;
}

/**
 * The state shape of a detect operator: what a key is, and the detectors with their full
 * hyperparameters. Decisions (thresholds, cool-down, overrides) are not part of it: changing them
 * keeps the detectors' state.
 *
 * @example
 * const shape: DetectShape = {
 *   layout: 1, per: 'series', combine: 'max',
 *   members: [{ detector: 'rolling-z-score', params: { feature: 'value', window: 100, threshold: 3, warmup: 30 } }],
 * };
 */
export interface DetectShape {
  readonly layout: 1;
  readonly per: 'series' | 'device';
  readonly combine: 'max' | 'vote';
  readonly members: readonly {
    readonly detector: string;
    readonly params: Readonly<Record<string, DetectorParamValue>>;
  }[];
}

/**
 * How one key is stored in a key group: `[key, device, metrics, detector snapshot, incident open,
 * last incident closed (null: never), pending timer (null: none), last seen]`. JSON-safe. Last
 * seen (the latest event time of the key's records, for idle-key expiry) is absent in checkpoints
 * written before it.
 */
export type SavedDetectKey = [
  key: string,
  device: string,
  metrics: string[],
  detector: EstimatorSnapshot,
  open: boolean,
  closedAt: number | null,
  timer: number | null,
  lastSeen?: number,
];

/**
 * Every key as plain data (detector snapshots copied), by key group, with its last-seen time from
 * `lastSeenOf`.
 *
 * @example
 * snapshotDetectEntries(entries, (key) => expiry.lastSeenOf(key));
 * // Map { 17 => [['boiler-1|temperature', 'boiler-1', ['temperature'], {...}, false, null, null, 1700000000000]] }
 */
export function snapshotDetectEntries(
  entries: ReadonlyMap<string, DetectEntry>,
  lastSeenOf: (key: string) => number,
): Map<number, SavedDetectKey[]> {
  return byKeyGroup(
    entries,
    (key, e): SavedDetectKey => [
      key,
      e.device,
      [...e.metrics],
      copyPlain(e.detector.snapshot()),
      e.incident.open,
      e.incident.closedAt,
      e.timer,
      lastSeenOf(key),
    ],
  );
}

/**
 * Reads back key groups written by {@link snapshotDetectEntries} into `into`: a fresh detector from
 * `rebuild` per key, restored from its snapshot (which refuses another detector or parameters);
 * `seen` gets each key's last-seen time (undefined in older checkpoints).
 *
 * @example
 * restoreDetectEntries(restored.keyGroups, () => createStepDetector(members, 'max'), entries, (k, t) => expiry.restore(k, t));
 */
export function restoreDetectEntries(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: () => AnomalyDetector,
  into: Map<string, DetectEntry>,
  seen: (key: string, lastSeen: number | undefined) => void,
): void {
  for (const [keyGroup, data] of groups) {
    if (!Array.isArray(data)) throw new Error(`key group ${keyGroup}: expected a list of saved detectors`);
    for (const saved of data as SavedDetectKey[]) {
      const [key, device, metrics, snapshot, open, closedAt, timer, lastSeen] = saved;
      const detector = rebuild();
      detector.restore(snapshot);
      into.set(key, {
        keyGroup,
        detector,
        incident: { open, closedAt: closedAt ?? null },
        device,
        metrics,
        timer: timer ?? null,
      });
      seen(key, typeof lastSeen === 'number' ? lastSeen : undefined);
    }
  }
}
