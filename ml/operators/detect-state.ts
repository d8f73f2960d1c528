import type { CapturedEntry } from '../../services/engine/state/copy-on-write-capture.ts';
import type { SnapshotTemplate } from '../core/snapshot-template.ts';
import type { AnomalyDetector, DetectorParamValue } from '../detectors/detector.ts';
import type { IncidentState } from './alert-decision.ts';

/** One key of a detect operator: its detector, incident, the subject events name, its timer. */
export interface DetectEntry extends CapturedEntry {
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
 * last incident closed (null: never), pending timer (null: none), last seen]`. JSON-safe. The
 * detector snapshot is compacted against the operator's `SnapshotTemplate` (whole in checkpoints
 * written before it). Last seen (the latest event time of the key's records, for idle-key expiry)
 * is absent in checkpoints written before it.
 */
export type SavedDetectKey = [
  key: string,
  device: string,
  metrics: string[],
  detector: unknown,
  open: boolean,
  closedAt: number | null,
  timer: number | null,
  lastSeen?: number,
];

/**
 * One key as plain data (its detector snapshot copied, compacted against `template`), with its
 * last-seen time: what a key group of a detect operator's snapshot lists (see `CopyOnWriteCapture`).
 *
 * @example
 * saveDetectEntry('boiler-1|temperature', entry, 1700000000000, template);
 * // ['boiler-1|temperature', 'boiler-1', ['temperature'], { '~learned': {...} }, false, null, null, 1700000000000]
 */
export function saveDetectEntry(
  key: string,
  e: DetectEntry,
  lastSeen: number,
  template: SnapshotTemplate,
): SavedDetectKey {
  return [
    key,
    e.device,
    [...e.metrics],
    template.compact(e.detector.snapshot()),
    e.incident.open,
    e.incident.closedAt,
    e.timer,
    lastSeen,
  ];
}

/**
 * Reads back key groups of {@link saveDetectEntry} lists into `into`: a fresh detector from
 * `rebuild` per key, restored from its snapshot expanded by `template` (`restore` refuses another
 * detector or parameters); `seen` gets each key's last-seen time (undefined in older checkpoints).
 *
 * @example
 * restoreDetectEntries(restored.keyGroups, () => createStepDetector(members, 'max'), template, entries, (k, t) => expiry.restore(k, t));
 */
export function restoreDetectEntries(
  groups: Iterable<readonly [number, unknown]>,
  rebuild: () => AnomalyDetector,
  template: SnapshotTemplate,
  into: Map<string, DetectEntry>,
  seen: (key: string, lastSeen: number | undefined) => void,
): void {
  for (const [keyGroup, data] of groups) {
    if (!Array.isArray(data)) throw new Error(`key group ${keyGroup}: expected a list of saved detectors`);
    for (const saved of data as SavedDetectKey[]) {
      const [key, device, metrics, snapshot, open, closedAt, timer, lastSeen] = saved;
      const detector = rebuild();
      detector.restore(template.expand(snapshot));
      into.set(key, {
        keyGroup,
        captureEpoch: 0,
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
