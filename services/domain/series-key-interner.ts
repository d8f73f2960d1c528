import { type Reading, seriesKey } from './reading.ts';

/** Devices remembered by default before the interner starts over. */
const DEFAULT_MAX_DEVICES = 65_536;
/** Metrics remembered per device; a device sending more names gets fresh keys for the rest. */
const MAX_METRICS_PER_DEVICE = 1_024;

/**
 * {@link seriesKey} that returns the same string object for the same (device, metric) pair. A key
 * built fresh per reading must be flattened and hashed again by every `Map` it is looked up in (the
 * keyed state, the key-group cache): on the per-reading path that cost as much as the window's
 * aggregate. An interned key carries its hash. Bounded: after `maxDevices` distinct devices the
 * cache is dropped and refilled, and a device's first 1,024 metric names are remembered, so key
 * churn cannot grow it.
 *
 * @example
 * const keys = new SeriesKeyInterner();
 * keys.key('boiler-1', 'temperature') === keys.key('boiler-1', 'temperature'); // true
 */
export class SeriesKeyInterner {
  private byDevice = new Map<string, Map<string, string>>();
  /** The last device's keys: readings of one message share their device. */
  private lastDevice: string | undefined;
  private lastKeys: Map<string, string> | undefined;

  constructor(private readonly maxDevices = DEFAULT_MAX_DEVICES) {}

  key(device: string, metric: string): string {
    let keys = device === this.lastDevice ? this.lastKeys : this.byDevice.get(device);
    if (keys === undefined) {
      if (this.byDevice.size >= this.maxDevices) this.byDevice = new Map();
      keys = new Map();
      this.byDevice.set(device, keys);
    }
    this.lastDevice = device;
    this.lastKeys = keys;
    let key = keys.get(metric);
    if (key === undefined) {
      key = seriesKey(device, metric);
      if (keys.size < MAX_METRICS_PER_DEVICE) keys.set(metric, key);
    }
    return key;
  }
}

/**
 * A `keyBy` selector of a reading's series (`device/metric`) that hands out interned keys: one
 * {@link SeriesKeyInterner} per selector, so per job step (and per thread at parallelism > 1).
 *
 * @example
 * readings.keyBy(seriesKeySelector(), 'key-by(series)');
 */
export function seriesKeySelector(): (reading: Reading) => string {
  const keys = new SeriesKeyInterner();
  return (r) => keys.key(r.device, r.metric);
}
