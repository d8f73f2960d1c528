import type { Random } from '../services/common/random.ts';
import type { TelemetryReading } from './simulated-device.ts';

/** The ways a payload is broken; {@link malformPayload} picks one uniformly. */
export const MALFORMATIONS = [
  /** The payload cut in half: not JSON. */
  'truncated',
  /** A bare `NaN` where a number belongs: not JSON. */
  'nan-literal',
  /** A metric value sent as a string, e.g. `"temperature":"21.5"`. */
  'string-value',
  /** A reading without `ts`. */
  'missing-ts',
  /** `ts` as an ISO date string instead of epoch ms. */
  'string-ts',
  /** Valid JSON that is not an object or array of objects (e.g. `"21.5"`, `null`). */
  'not-an-object',
  /** An empty payload. */
  'empty',
] as const;

export type Malformation = (typeof MALFORMATIONS)[number];

/**
 * A broken version of the telemetry payload of `readings` (an object, or an array when `batched`).
 * In an array the first reading carries the defect, so the message as a whole breaks the contract.
 * Every result is either invalid JSON or JSON that a strict decoder must reject.
 *
 * @example
 * malformPayload([{ ts: 1, temperature: 20 }], 'string-value'); // '{"ts":1,"temperature":"20"}'
 */
export function malformPayload(
  readings: readonly TelemetryReading[],
  how: Malformation,
  batched = readings.length > 1,
): string {
  const wrap = (items: readonly object[]) => JSON.stringify(batched ? items : items[0]);
  const [first, ...rest] = readings;
  if (!first) return '';
  switch (how) {
    case 'truncated': {
      const whole = wrap(readings);
      return whole.slice(0, Math.max(1, Math.floor(whole.length / 2)));
    }
    case 'nan-literal': {
      const metric = firstMetric(first);
      return wrap([{ ...first, [metric]: '__NAN__' }, ...rest]).replace('"__NAN__"', 'NaN');
    }
    case 'string-value': {
      const metric = firstMetric(first);
      return wrap([{ ...first, [metric]: String(first[metric]) }, ...rest]);
    }
    case 'missing-ts': {
      const { ts: _ts, ...values } = first;
      return wrap([values, ...rest]);
    }
    case 'string-ts':
      return wrap([{ ...first, ts: new Date(first.ts).toISOString() }, ...rest]);
    case 'not-an-object':
      return first.ts % 2 === 0 ? JSON.stringify(String(first[firstMetric(first)])) : 'null';
    case 'empty':
      return '';
  }
}

/** Picks one of {@link MALFORMATIONS} uniformly. */
export function pickMalformation(random: Random): Malformation {
  return MALFORMATIONS[random.int(MALFORMATIONS.length)]!;
}

function firstMetric(reading: TelemetryReading): string {
  const metric = Object.keys(reading).find((k) => k !== 'ts');
  if (metric === undefined) throw new Error('a telemetry reading has at least one metric');
  return metric;
}
