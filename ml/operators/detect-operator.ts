import type { DecisionOverride, DecisionSpec } from '../../services/config/job-spec.ts';
import type { AnomalyEvent } from '../../services/domain/anomaly.ts';
import type {
  OperatorSnapshot,
  RestoredOperator,
} from '../../services/engine/checkpoint/checkpoint-types.ts';
import type { Checkpointed } from '../../services/engine/checkpoint/checkpointed.ts';
import { checkShapeCompatible } from '../../services/engine/checkpoint/state-shape.ts';
import { keyGroupOf } from '../../services/engine/key-groups.ts';
import { BaseOperator } from '../../services/engine/runtime/operators/base-operator.ts';
import type { OperatorMetrics } from '../../services/engine/runtime/stream-operator.ts';
import { CopyOnWriteCapture } from '../../services/engine/state/copy-on-write-capture.ts';
import { IdleKeyExpiry } from '../../services/engine/state/idle-key-expiry.ts';
import { EventTimeTimers } from '../../services/engine/time/event-time-timers.ts';
import { checkEstimatorFormat, SnapshotTemplate } from '../core/snapshot-template.ts';
import type { AnomalyDetector, DetectorSpec, TimerDrivenDetector } from '../detectors/detector.ts';
import { isTimerDriven } from '../detectors/detector.ts';
import { changesInBackground } from '../tf/background-training.ts';
import { decide, decisionFor, noIncident, wouldOpen } from './alert-decision.ts';
import { createStepDetector, type DetectorChoice, resolveMembers } from './detect-detector.ts';
import { anomalyEvent, type DetectorInput } from './detect-inputs.ts';
import {
  type DetectEntry,
  type DetectShape,
  restoreDetectEntries,
  type SavedDetectKey,
  saveDetectEntry,
} from './detect-state.ts';

/** What a {@link DetectOperator} runs: the detector, the decision, and how a record is read. */
export interface DetectOperatorConfig<IN> {
  /** The operator's name (in metrics and logs), e.g. `detect(spikes)`. */
  readonly name: string;
  /** The job's name for the detector step: the events' `detector`. */
  readonly detectorName: string;
  /** What a key is (`series` or `device`): part of the state shape. */
  readonly per: 'series' | 'device';
  readonly detector: DetectorChoice;
  readonly decision: DecisionSpec;
  /** Per-device / per-metric decisions, the last matching entry winning (see `decisionFor`). */
  readonly overrides?: readonly DecisionOverride[];
  /** The record's key, subject and features (`seriesInput`, `rowInput`). */
  readonly input: (record: IN) => DetectorInput;
  /** Where the members are found (default: the detector registry). */
  readonly specs?: readonly DetectorSpec[];
  /**
   * A key whose last record is this much older than the watermark is dropped with its detector,
   * incident and timer (undefined: keys never expire). See `IdleKeyExpiry`.
   */
  readonly stateTtlMs?: number | undefined;
}

/**
 * Runs a detector per key (a series, or a device) and turns its scores into incidents: one
 * {@link AnomalyEvent} per incident (see `decide` in `alert-decision.ts`). Per record, in event time:
 *
 * 1. `scoreOne` (skipped where an override turns detection `off`);
 * 2. if that score would open an incident, `explainOne` (only then: it formats text) and the event,
 *    stamped with the record's time;
 * 3. the decision takes the score (opens, keeps open, closes);
 * 4. `learnOne`;
 * 5. timer-driven detectors (dropout: silence is the anomaly) get one event-time timer per key at
 *    `nextCheck()`, moved after each record. When the watermark passes it, `explainSilence(time)`
 *    goes through the decision as a score would, an event stamped with the timer's time.
 *
 * A custom operator with the engine's `EventTimeTimers` rather than a `KeyedProcessFunction`:
 * detectors are live objects with their own versioned `snapshot()` / `restore()`, not plain values
 * for a state backend to copy at every checkpoint, and the state shape names the detectors and
 * their hyperparameters, so a restore with other detectors is refused (`IncompatibleStateError`)
 * instead of feeding one detector's state to another. Checkpoints hold, by key group, each key's
 * detector snapshot, incident state and timer; timers are registered again from them on restore
 * (at any parallelism).
 *
 * Idle keys (`stateTtlMs`): a key whose last record is older than the TTL in event time is dropped
 * at a watermark (after the timers that watermark fires), with its detector, incident state and
 * pending silence check (metric `keysExpired`); its last-seen time is checkpointed. A key that comes
 * back starts afresh (a new detector, warming up again). So a dropout detector reports a device's
 * silence until the TTL forgets the device.
 *
 * @example
 * readings.keyBy((r) => seriesKey(r.device, r.metric)).transform('detect(spikes)', () => new DetectOperator({
 *   name: 'detect(spikes)', detectorName: 'spikes', per: 'series', input: seriesInput,
 *   detector: { members: [{ detector: 'rolling-z-score', params: {} }], combine: 'max' },
 *   decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300_000 },
 * }), true).uid('detector-spikes');
 */
export class DetectOperator<IN> extends BaseOperator<IN, AnomalyEvent> implements Checkpointed {
  // configuration
  private readonly config: DetectOperatorConfig<IN>;
  private readonly overrides: readonly DecisionOverride[];
  private readonly newDetector: () => AnomalyDetector;
  private readonly timerDriven: boolean;
  private readonly shape: DetectShape;
  private readonly template: SnapshotTemplate;

  // checkpointed
  private readonly entries = new Map<string, DetectEntry>();
  private readonly expiry: IdleKeyExpiry<string>;

  // rebuilt from the entries on restore
  private readonly timers = new EventTimeTimers<string>();

  // not checkpointed: a checkpoint's copy-on-write capture of the entries
  private readonly capture: CopyOnWriteCapture<string, DetectEntry, SavedDetectKey>;

  constructor(config: DetectOperatorConfig<IN>) {
    super(config.name);
    this.config = config;
    this.expiry = new IdleKeyExpiry(config.stateTtlMs);
    this.overrides = config.overrides ?? [];
    const members = resolveMembers(config.detector, config.specs);
    const { combine } = config.detector;
    this.newDetector = () => createStepDetector(members, combine, config.specs);
    const probe = this.newDetector(); // also refuses a detector it cannot build, now
    this.timerDriven = isTimerDriven(probe);
    this.template = new SnapshotTemplate(probe.snapshot());
    // an ensemble does not say whether a member trains in the background: each member does
    const background = members.some((m) => changesInBackground(m.spec.create(m.params)));
    this.capture = new CopyOnWriteCapture(
      (key, entry) => saveDetectEntry(key, entry, this.expiry.lastSeenOf(key), this.template),
      { deferred: !background },
    );
    this.shape = {
      layout: 1,
      per: config.per,
      combine,
      members: members.map((m) => ({ detector: m.spec.name, params: m.params })),
    };
  }

  /** The detector of `key`, if it has seen a record (for tests and inspection). */
  detectorOf(key: string): AnomalyDetector | undefined {
    return this.entries.get(key)?.detector;
  }

  processElement(record: IN, timestamp: number): void {
    this.recordsIn++;
    const input = this.config.input(record);
    const entry = this.entryOf(input);
    this.expiry.seen(input.key, timestamp);
    const { detector } = entry;
    const decision = this.decisionOf(entry);
    if (decision !== 'off') {
      const score = detector.scoreOne(input.x, timestamp);
      if (wouldOpen(decision, entry.incident, score, timestamp)) {
        const explanation = { ...detector.explainOne(input.x, timestamp), score };
        this.emit(anomalyEvent(this.config.detectorName, input, timestamp, explanation), timestamp);
      }
      decide(decision, entry.incident, score, timestamp);
    }
    detector.learnOne(input.x, timestamp);
    if (this.timerDriven) this.schedule(input.key, entry, Number.NEGATIVE_INFINITY);
  }

  override processWatermark(watermark: number): void {
    this.timers.advanceTo(watermark, this.onTimer);
    this.expiry.expire(watermark, this.dropKey);
    super.processWatermark(watermark);
  }

  override metrics(): OperatorMetrics {
    return {
      ...super.metrics(),
      stateKeys: this.entries.size,
      stateEntries: this.entries.size,
      keysExpired: this.expiry.expired,
    };
  }

  /**
   * Every key's detector, incident and timer by key group (captured copy-on-write: saved by the
   * encoder, or before a record changes them), and the watermark.
   */
  snapshotState(_checkpointId: number): OperatorSnapshot {
    return {
      uid: this.uid,
      kind: 'detect',
      shape: this.shape,
      keyGroups: this.capture.begin(this.entries),
      keys: this.entries.size,
      operatorState: { watermark: this.watermark, estimatorFormat: this.template.format },
    };
  }

  /** After `open()`, before any input: the keys of the groups this subtask owns, and their timers. */
  restoreState(restored: RestoredOperator): void {
    checkShapeCompatible(this.uid, restored.shape, this.shape);
    checkEstimatorFormat(this.uid, restored.operatorStates, this.template);
    try {
      restoreDetectEntries(
        restored.keyGroups,
        () => this.newDetector(),
        this.template,
        this.entries,
        (key, lastSeen) => this.expiry.restore(key, lastSeen),
      );
    } catch (error) {
      throw new Error(`cannot restore operator "${this.uid}": ${(error as Error).message}`, { cause: error });
    }
    for (const [key, entry] of this.entries)
      if (entry.timer !== null) this.timers.register(key, 0, entry.timer);
    const watermarks = restored.operatorStates.flatMap(({ state }) => {
      const saved = (state as { watermark?: unknown } | undefined)?.watermark;
      return typeof saved === 'number' ? [saved] : [];
    });
    if (watermarks.length > 0) this.watermark = Math.max(this.watermark, Math.min(...watermarks));
  }

  /** An expired key: its detector, incident and pending silence check go. */
  private readonly dropKey = (key: string): void => {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.capture.beforeWrite(key, entry);
    if (entry.timer !== null) this.timers.delete(key, 0, entry.timer);
    this.entries.delete(key);
  };

  /** A timer-driven detector's silence check, at the timer's time. */
  private readonly onTimer = (key: string, _namespace: number, time: number): void => {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.capture.beforeWrite(key, entry);
    entry.timer = null;
    const detector = entry.detector as TimerDrivenDetector;
    const decision = this.decisionOf(entry);
    if (decision !== 'off') {
      const explanation = detector.explainSilence(time);
      if (wouldOpen(decision, entry.incident, explanation.score, time)) {
        const subject = { device: entry.device, metrics: entry.metrics, value: Number.NaN };
        this.emit(anomalyEvent(this.config.detectorName, subject, time, explanation), time);
      }
      decide(decision, entry.incident, explanation.score, time);
    }
    this.schedule(key, entry, time);
  };

  /** Moves the key's timer to the detector's next check, if that is after `after` (one timer per key). */
  private schedule(key: string, entry: DetectEntry, after: number): void {
    const at = (entry.detector as TimerDrivenDetector).nextCheck();
    const next = at !== undefined && Number.isFinite(at) && at > after ? at : null;
    if (next === entry.timer) return;
    if (entry.timer !== null) this.timers.delete(key, 0, entry.timer);
    if (next !== null) this.timers.register(key, 0, next);
    entry.timer = next;
  }

  private decisionOf(entry: DetectEntry): DecisionSpec | 'off' {
    if (this.overrides.length === 0) return this.config.decision;
    return decisionFor(this.config.decision, this.overrides, entry.device, entry.metrics);
  }

  /** The entry of the record's key, ready to change (saved first if a checkpoint's capture needs it). */
  private entryOf(input: DetectorInput): DetectEntry {
    let entry = this.entries.get(input.key);
    if (entry === undefined) {
      const keyGroup = keyGroupOf(input.key, this.context.maxParallelism);
      entry = {
        keyGroup,
        captureEpoch: 0,
        detector: this.newDetector(),
        incident: noIncident(),
        device: input.device,
        metrics: input.metrics,
        timer: null,
      };
      this.entries.set(input.key, entry);
    } else {
      this.capture.beforeWrite(input.key, entry);
      entry.device = input.device;
      entry.metrics = input.metrics;
    }
    return entry;
  }

  private get uid(): string {
    return this.context.uid ?? this.name;
  }
}
