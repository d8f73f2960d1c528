import type { IPoint } from 'influx';
import type { ModelMetricsReport } from '../../../ml/operators/model-outputs.ts';
import { MODEL_METRICS } from './influx-schema.ts';

const METRIC_FIELDS: ReadonlySet<string> = new Set(
  Object.keys(MODEL_METRICS.fields).filter((name) => name !== 'count' && name !== 'version'),
);

/**
 * One model-metrics report as an InfluxDB point in `model_metrics`: tags `model`, `key`, `scope`,
 * integer fields `count` and `version`, a float field per metric (`mae`, `rmse`, `r2`, `accuracy`,
 * `log_loss`, `f1`, `roc_auc`, `inertia`), stamped with the report's event time in epoch ms (a
 * numeric string; write it with precision `ms`). Metrics that are not finite (NaN before enough
 * predictions) or that the schema does not name are left out: line protocol cannot carry the
 * first, and the client refuses the second.
 *
 * @example
 * modelMetricsToPoints({ model: 'forecast', key: 'boiler-1/temperature', version: 3,
 *   ts: 1_700_000_060_000, scope: 'rolling', count: 500, metrics: { mae: 0.41, rmse: 0.55, r2: 0.93 } });
 * // [{ measurement: 'model_metrics', tags: { model: 'forecast', key: 'boiler-1/temperature', scope: 'rolling' },
 * //    fields: { count: 500, version: 3, mae: 0.41, rmse: 0.55, r2: 0.93 }, timestamp: '1700000060000' }]
 */
export function modelMetricsToPoints(report: ModelMetricsReport): IPoint[] {
  const fields: Record<string, number> = { count: report.count, version: report.version };
  for (const [name, value] of Object.entries(report.metrics)) {
    if (METRIC_FIELDS.has(name) && Number.isFinite(value)) fields[name] = value;
  }
  return [
    {
      measurement: MODEL_METRICS.measurement,
      tags: { model: report.model, key: report.key, scope: report.scope },
      fields,
      timestamp: String(Math.trunc(report.ts)),
    },
  ];
}
