import murmurhash from 'murmurhash';
import { createRandom, type Random } from '../services/common/random.ts';

/** What a random stream is used for. Separate streams keep concerns independent of each other. */
export type StreamPurpose = 'params' | 'noise' | 'anomalies' | 'faults';

/**
 * An independent, seeded random stream for one device and one purpose, derived by hashing
 * `(seed, deviceId, purpose)`. Because nothing is drawn from a shared generator:
 * - a device's data does not depend on how many other devices the fleet has;
 * - turning network faults on or off never changes the data or the ground truth;
 * - turning anomalies on or off leaves the data outside the anomalies untouched.
 *
 * @example
 * const a = deviceStream(1, 'sim-0001', 'noise').next();
 * const b = deviceStream(1, 'sim-0001', 'noise').next();
 * a === b; // true
 */
export function deviceStream(seed: number, deviceId: string, purpose: StreamPurpose): Random {
  return createRandom(murmurhash.v3(`${seed}/${deviceId}/${purpose}`, 0x5eed));
}
