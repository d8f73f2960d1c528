import { Type } from 'typebox';
import { DEVICE_ID_PATTERN, METRIC_NAME_PATTERN } from '../../domain/reading.ts';

/** A device id as in {@link DEVICE_ID_PATTERN}, e.g. `boiler-1`; anything else is a 400. */
export const DeviceIdSchema = Type.String({
  pattern: DEVICE_ID_PATTERN.source,
  description: 'device id: a letter or digit, then up to 63 letters, digits, "_", "." or "-"',
});

/** A metric name as in {@link METRIC_NAME_PATTERN}, e.g. `temperature`; anything else is a 400. */
export const MetricNameSchema = Type.String({
  pattern: METRIC_NAME_PATTERN.source,
  description: 'metric name: a letter or "_", then up to 63 letters, digits, "_", "." or "-"',
});

/** A live-feed sequence number (the SSE `id:`), e.g. `42`. */
export const SeqSchema = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
