import type { DecisionOverrideFile, DetectorFile } from './job-file-schema.ts';
import { type DecisionOverride, type DecisionSpec, JOB_DEFAULTS } from './job-spec.ts';
import type { PathProblem } from './schema-problems.ts';

/** A duration of the file in ms, its problems added to the list (see `toJobSpec`). */
export type DecisionDurationReader = (
  text: string,
  path: (string | number)[],
  rule: 'non-negative',
) => number;

/**
 * A detector step's decision (`threshold`, `clearThreshold`, `cooldown`) and its `overrides`,
 * checked and filled with `JOB_DEFAULTS.detectors`: a threshold in (0, 1], a clear threshold from
 * 0 to the threshold (default: the threshold less the hysteresis, 0.1), a cool-down of 0s or
 * more. Each override must change something, its metrics must be the step's (`metrics` of the
 * step, when it names them), per-device steps take no metrics in overrides (they score a
 * device's rows as a whole), and the decision it leads to must hold too (an override's threshold
 * below the step's clear threshold needs a clearThreshold of its own). Problems are added to
 * `problems`, each at `at` + the key.
 *
 * @example
 * detectorDecision({ name: 'spikes', detector: 'ewma', threshold: 0.7 }, at, ms, problems);
 * // { decision: { threshold: 0.7, clearThreshold: 0.6, cooldownMs: 300000 }, overrides: [] }
 */
export function detectorDecision(
  file: DetectorFile,
  per: 'series' | 'device',
  at: (...keys: (string | number)[]) => (string | number)[],
  ms: DecisionDurationReader,
  problems: PathProblem[],
): { decision: DecisionSpec; overrides: DecisionOverride[] } {
  const defaults = JOB_DEFAULTS.detectors;
  const threshold = file.threshold ?? defaults.threshold;
  checkThreshold(threshold, at('threshold'), problems);
  const clearThreshold = file.clearThreshold ?? lessHysteresis(threshold);
  if (file.clearThreshold !== undefined)
    checkClear(clearThreshold, threshold, at('clearThreshold'), problems);
  const cooldownMs =
    file.cooldown === undefined ? defaults.cooldownMs : ms(file.cooldown, at('cooldown'), 'non-negative');
  const decision = { threshold, clearThreshold, cooldownMs };
  const overrides = (file.overrides ?? []).map((o, j) =>
    override(o, decision, file.metrics, per, (...keys) => at('overrides', j, ...keys), ms, problems),
  );
  return { decision, overrides };
}

function override(
  o: DecisionOverrideFile,
  step: DecisionSpec,
  stepMetrics: readonly string[] | undefined,
  per: 'series' | 'device',
  at: (...keys: (string | number)[]) => (string | number)[],
  ms: DecisionDurationReader,
  problems: PathProblem[],
): DecisionOverride {
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });
  const changes = ['threshold', 'clearThreshold', 'cooldown', 'off'] as const;
  if (changes.every((key) => o[key] === undefined))
    problem(at(), 'changes nothing: give threshold, clearThreshold, cooldown or off');
  if (o.off === true) {
    for (const key of ['threshold', 'clearThreshold', 'cooldown'] as const) {
      if (o[key] !== undefined) problem(at(key), 'has no effect with off: true (detection is off there)');
    }
  }
  if (o.metrics !== undefined && per === 'device') {
    problem(
      at('metrics'),
      "a per-device detector scores a device's readings together: override it by devices, not metrics",
    );
  } else if (o.metrics !== undefined && stepMetrics !== undefined) {
    o.metrics.forEach((metric, k) => {
      if (!stepMetrics.includes(metric))
        problem(
          at('metrics', k),
          `"${metric}" is not one of the detector's metrics (${stepMetrics.join(', ')}): it never sees it`,
        );
    });
  }
  if (o.threshold !== undefined) checkThreshold(o.threshold, at('threshold'), problems);
  const threshold = o.threshold ?? step.threshold;
  if (o.clearThreshold !== undefined) checkClear(o.clearThreshold, threshold, at('clearThreshold'), problems);
  else if (o.threshold !== undefined && step.clearThreshold > threshold)
    problem(
      at('threshold'),
      `is below the detector's clearThreshold ${step.clearThreshold}: give this override a clearThreshold too (at most ${threshold})`,
    );
  return {
    ...(o.devices === undefined ? {} : { devices: o.devices }),
    ...(o.metrics === undefined ? {} : { metrics: o.metrics }),
    ...(o.threshold === undefined ? {} : { threshold: o.threshold }),
    ...(o.clearThreshold === undefined ? {} : { clearThreshold: o.clearThreshold }),
    ...(o.cooldown === undefined ? {} : { cooldownMs: ms(o.cooldown, at('cooldown'), 'non-negative') }),
    ...(o.off === undefined ? {} : { off: o.off }),
  };
}

function checkThreshold(threshold: number, path: (string | number)[], problems: PathProblem[]): void {
  if (!(threshold > 0 && threshold <= 1))
    problems.push({
      path,
      message: `expected a score above 0 and at most 1 such as 0.5, got ${threshold}`,
    });
}

function checkClear(
  clear: number,
  threshold: number,
  path: (string | number)[],
  problems: PathProblem[],
): void {
  if (!(clear >= 0 && clear <= threshold))
    problems.push({
      path,
      message: `expected a score from 0 to the threshold ${threshold} (an incident closes below it), got ${clear}`,
    });
}

/** The default clear threshold: the threshold less the hysteresis, not below 0, without float dust. */
function lessHysteresis(threshold: number): number {
  return Math.max(0, Math.round((threshold - JOB_DEFAULTS.detectors.hysteresis) * 1e9) / 1e9);
}
