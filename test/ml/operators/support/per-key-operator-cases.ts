import { holtWintersSpec } from '../../../../ml/models/holt-winters.ts';
import { linearRegressionSpec } from '../../../../ml/models/linear-regression.ts';
import { DetectOperator } from '../../../../ml/operators/detect-operator.ts';
import { DeviceRowsOperator } from '../../../../ml/operators/device-rows-operator.ts';
import { KeyedForecastOperator } from '../../../../ml/operators/keyed-forecast-operator.ts';
import { KeyedModelOperator } from '../../../../ml/operators/keyed-model-operator.ts';
import { PrequentialMetricsOperator } from '../../../../ml/operators/prequential-metrics-operator.ts';
import { forecastScoring } from '../../../../ml/operators/prequential-outcomes.ts';
import type { Checkpointed } from '../../../../services/engine/checkpoint/checkpointed.ts';
import type { StreamOperator } from '../../../../services/engine/runtime/stream-operator.ts';

/**
 * Every per-key ML and detection operator, for the suites that hold for all of them (idle-key
 * expiry, copy-on-write snapshots): each case makes the operator, with a state TTL or without,
 * reading a record of a key at a time.
 */
export interface Rec {
  readonly key: string;
  readonly ts: number;
}

export interface PerKeyOperatorCase {
  readonly name: string;
  make(ttlMs?: number): StreamOperator<Rec, unknown> & Checkpointed;
}

export const PER_KEY_OPERATOR_CASES: readonly PerKeyOperatorCase[] = [
  {
    name: 'KeyedModelOperator',
    make: (stateTtlMs) =>
      new KeyedModelOperator<Rec, string, number>({
        name: 'fit',
        keySelector: (r) => r.key,
        mode: 'learn-and-predict',
        model: { spec: linearRegressionSpec },
        example: (r) => ({ x: { x: (r.ts % 1_000) / 1_000 }, y: 1 }),
        ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
      }),
  },
  {
    name: 'KeyedForecastOperator',
    make: (stateTtlMs) =>
      new KeyedForecastOperator<Rec, string>({
        name: 'forecast',
        keySelector: (r) => r.key,
        model: { spec: holtWintersSpec, params: { stepMs: 1_000, seasonMs: 1_000, gamma: 0 } },
        value: (r) => r.ts / 1_000,
        ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
      }),
  },
  {
    name: 'DetectOperator',
    make: (stateTtlMs) =>
      new DetectOperator<Rec>({
        name: 'detect',
        detectorName: 'spikes',
        per: 'series',
        detector: { members: [{ detector: 'rolling-z-score', params: {} }], combine: 'max' },
        decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 60_000 },
        input: (r) => ({ key: r.key, device: r.key, metrics: ['m'], x: { value: 1 }, value: 1 }),
        stateTtlMs,
      }),
  },
  {
    name: 'DeviceRowsOperator',
    make: (stateTtlMs) =>
      new DeviceRowsOperator('rows', { stateTtlMs }) as unknown as StreamOperator<Rec, unknown> &
        Checkpointed,
  },
  {
    name: 'PrequentialMetricsOperator',
    make: (stateTtlMs) =>
      new PrequentialMetricsOperator({
        name: 'metrics',
        model: 'forecast',
        ...forecastScoring,
        outcome: (r: Rec) => ({ key: r.key, version: 0, outcome: [1, 1] as [number, number] }),
        rollingWindow: 10,
        metricsEveryMs: 60_000,
        stateTtlMs,
      }),
  },
];

/** A record as every case reads it (device rows read `device`, `metric`, `value`). */
export const rec = (key: string, ts: number): Rec => ({ key, ts, device: key, metric: 'm', value: 1 }) as Rec;
