import type { AnomalyEvent } from '../../services/domain/anomaly.ts';
import { DataStream } from '../../services/engine/api/data-stream.ts';
import type { KeyedStream } from '../../services/engine/api/keyed-stream.ts';
import { DetectOperator, type DetectOperatorConfig } from './detect-operator.ts';

/**
 * A detector per key on a keyed stream, its incidents as {@link AnomalyEvent}s (see
 * {@link DetectOperator}): chained right after the stream's `keyBy` partition (or a keyed step such
 * as `deviceRows`), checkpointed with the job. The stream must be keyed as `config.input` keys
 * records (by series for `seriesInput`, by device for `rowInput`). Set a `uid` for savepoints.
 *
 * @example
 * const events = detectAnomalies(readings.keyBy((r) => seriesKey(r.device, r.metric)), {
 *   name: 'detect(spikes)', detectorName: 'spikes', per: 'series', input: seriesInput,
 *   detector: { members: [{ detector: 'rolling-z-score', params: {} }], combine: 'max' },
 *   decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300_000 },
 * }).uid('detector-spikes');
 * events.sinkTo(alertsSink);
 */
export function detectAnomalies<T>(
  keyed: KeyedStream<T, string>,
  config: DetectOperatorConfig<T>,
): DataStream<AnomalyEvent> {
  return new DataStream<T>(keyed.env, keyed.transformation).transform(
    config.name,
    () => new DetectOperator(config),
    true,
  );
}
