/**
 * What each simulated metric looks like: the ranges its per-device signal parameters are drawn from,
 * the physical bounds it is clamped to, how many decimals it is published with, and how large its
 * injected anomalies are. Ranges are `[min, max]`, drawn uniformly per device from the seed.
 *
 * @example
 * METRIC_PROFILES.temperature.unit; // '°C'
 */
export interface MetricProfile {
  readonly unit: string;
  /** Level around which the signal moves. */
  readonly base: Range;
  /** Half the peak-to-trough swing of the 24 h cycle. */
  readonly dailyAmplitude: Range;
  /** Hour of the day (UTC, event time) at which the daily cycle peaks. */
  readonly peakHour: Range;
  /** Standard deviation of the Gaussian noise on each reading. */
  readonly noise: Range;
  /** Slow linear drift, in units per day (negative or positive). */
  readonly driftPerDay: Range;
  /** Physical bounds: every published value is clamped into them. */
  readonly min: number;
  readonly max: number;
  /** Decimals kept in the payload. */
  readonly decimals: number;
  /** Size of a spike (one reading off by this much). */
  readonly spike: Range;
  /** Size of a level shift (readings offset by this much for a while). */
  readonly shift: Range;
}

export type Range = readonly [min: number, max: number];

/** The metrics a simulated device can publish. Names are lowercase JSON fields of the payload. */
export type MetricName = 'temperature' | 'humidity' | 'pressure' | 'vibration' | 'power';

export const METRIC_PROFILES: Readonly<Record<MetricName, MetricProfile>> = {
  temperature: {
    unit: '°C',
    base: [15, 25],
    dailyAmplitude: [1.5, 5],
    peakHour: [13, 17],
    noise: [0.1, 0.3],
    driftPerDay: [-0.5, 0.5],
    min: -40,
    max: 125,
    decimals: 2,
    spike: [8, 14],
    shift: [4, 7],
  },
  humidity: {
    unit: '%',
    base: [35, 60],
    dailyAmplitude: [4, 12],
    peakHour: [3, 7],
    noise: [0.3, 0.8],
    driftPerDay: [-1, 1],
    min: 0,
    max: 100,
    decimals: 1,
    spike: [20, 30],
    shift: [10, 16],
  },
  pressure: {
    unit: 'hPa',
    base: [995, 1025],
    dailyAmplitude: [0.5, 1.5],
    peakHour: [9, 11],
    noise: [0.05, 0.15],
    driftPerDay: [-2, 2],
    min: 850,
    max: 1100,
    decimals: 2,
    spike: [6, 10],
    shift: [3, 5],
  },
  vibration: {
    unit: 'mm/s',
    base: [1.5, 4],
    dailyAmplitude: [0.3, 1],
    peakHour: [11, 15],
    noise: [0.05, 0.15],
    driftPerDay: [0, 0.2],
    min: 0,
    max: 50,
    decimals: 3,
    spike: [6, 10],
    shift: [2.5, 4],
  },
  power: {
    unit: 'W',
    base: [1500, 4000],
    dailyAmplitude: [300, 1000],
    peakHour: [18, 20],
    noise: [20, 60],
    driftPerDay: [-50, 50],
    min: 0,
    max: 20_000,
    decimals: 1,
    spike: [2500, 4000],
    shift: [1200, 2000],
  },
};

/** Rounds a value to the metric's published precision after clamping it into its bounds. */
export function publishedValue(profile: MetricProfile, value: number): number {
  const clamped = Math.min(profile.max, Math.max(profile.min, value));
  const scale = 10 ** profile.decimals;
  return Math.round(clamped * scale) / scale;
}
