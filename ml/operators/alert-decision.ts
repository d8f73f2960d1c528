import type { DecisionOverride, DecisionSpec } from '../../services/config/job-spec.ts';

/**
 * Where one key (a series, or a device) stands: inside an incident or not, and when its last
 * incident closed (event time, ms; `null` before any). Plain JSON, checkpointed as it is.
 *
 * @example
 * const state: IncidentState = { open: false, closedAt: null };
 */
export interface IncidentState {
  open: boolean;
  closedAt: number | null;
}

/** What one score did to an incident: opened one, kept it open, closed it, or nothing. */
export type DecisionStep = 'open' | 'stay' | 'close' | 'quiet';

/**
 * A fresh key's state: no incident, none before.
 *
 * @example
 * noIncident(); // { open: false, closedAt: null }
 */
export function noIncident(): IncidentState {
  return { open: false, closedAt: null };
}

/**
 * Whether `score` at event time `ts` would open an incident: none is open, the score reaches the
 * threshold, and the cool-down after the last incident has passed (`ts >= closedAt + cooldownMs`).
 * Changes nothing: the operator asks first, and pays for `explainOne` only when it says yes.
 *
 * @example
 * const d = { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 };
 * wouldOpen(d, { open: false, closedAt: 1_000 }, 0.9, 30_000); // false (cooling down until 61 000)
 * wouldOpen(d, { open: false, closedAt: 1_000 }, 0.9, 61_000); // true
 */
export function wouldOpen(decision: DecisionSpec, state: IncidentState, score: number, ts: number): boolean {
  if (state.open || !(score >= decision.threshold)) return false;
  return state.closedAt === null || ts - state.closedAt >= decision.cooldownMs;
}

/**
 * Takes `score` at event time `ts` into `state` (changed in place) and says what happened:
 *
 * - no incident open: `open` when {@link wouldOpen}, else `quiet`;
 * - an incident open: `stay` while the score is at or above `clearThreshold` (hysteresis: a score
 *   wavering around the threshold stays one incident), `close` below it (the cool-down starts at `ts`).
 *
 * One incident is one alert: the caller emits an event at `open` only. Not also at `close`: every
 * event is an alert downstream (an MQTT message on `alerts/<device>`, a point in InfluxDB
 * `anomalies`), so a close event would double the alerts; and the record that closes an incident
 * is a normal one, with nothing to explain. How long an incident lasted is not known at its
 * opening either way, and the open/close pair would be torn apart by a restore between the two.
 *
 * @example
 * const d = { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 };
 * const s = noIncident();
 * [0.2, 0.7, 0.45, 0.6, 0.3].map((score, i) => decide(d, s, score, i * 1_000));
 * // ['quiet', 'open', 'stay', 'stay', 'close']
 */
export function decide(
  decision: DecisionSpec,
  state: IncidentState,
  score: number,
  ts: number,
): DecisionStep {
  if (state.open) {
    if (score >= decision.clearThreshold) return 'stay';
    state.open = false;
    state.closedAt = ts;
    return 'close';
  }
  if (!wouldOpen(decision, state, score, ts)) return 'quiet';
  state.open = true;
  return 'open';
}

/**
 * The decision for one key: the step's own, or the last override matching the key's device and
 * metrics (an override's unset fields keep the step's), or `off` when that override turns
 * detection off. An override matches when its `devices` (absent: all) include `device` and its
 * `metrics` (absent: all) include one of `metrics` (a series' metric; a device row's metrics).
 * The clear threshold is at most the threshold (an override raising only the threshold keeps the
 * step's clear threshold; one lowering it below the step's clear threshold clears there).
 *
 * @example
 * const step = { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300_000 };
 * const overrides = [{ metrics: ['vibration'], threshold: 0.8 }, { devices: ['test-rig'], off: true }];
 * decisionFor(step, overrides, 'pump-1', ['vibration']); // { threshold: 0.8, clearThreshold: 0.4, cooldownMs: 300000 }
 * decisionFor(step, overrides, 'test-rig', ['vibration']); // 'off'
 */
export function decisionFor(
  step: DecisionSpec,
  overrides: readonly DecisionOverride[],
  device: string,
  metrics: readonly string[],
): DecisionSpec | 'off' {
  let match: DecisionOverride | undefined;
  for (const override of overrides) if (matches(override, device, metrics)) match = override;
  if (match === undefined) return step;
  if (match.off === true) return 'off';
  const threshold = match.threshold ?? step.threshold;
  return {
    threshold,
    clearThreshold: Math.min(match.clearThreshold ?? step.clearThreshold, threshold),
    cooldownMs: match.cooldownMs ?? step.cooldownMs,
  };
}

function matches(override: DecisionOverride, device: string, metrics: readonly string[]): boolean {
  if (override.devices !== undefined && !override.devices.includes(device)) return false;
  const wanted = override.metrics;
  return wanted === undefined || metrics.some((m) => wanted.includes(m));
}
