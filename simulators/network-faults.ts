import type { Random } from '../services/common/random.ts';
import type { Range } from './metric-profiles.ts';
import { uniform } from './signal-model.ts';

/**
 * Delivery faults, each drawn per message with its own probability. They change when and how a
 * message arrives, never the data it was built from, so the ground truth does not change.
 */
export interface NetworkFaultOptions {
  /** Probability a message is delayed by up to {@link maxOutOfOrderMs} (arrives out of order). */
  readonly outOfOrder: number;
  /** Probability a message is delayed by {@link lateDelayMs} (far beyond the out-of-order bound). */
  readonly late: number;
  /** Probability a message is published twice (the copy shortly after the original). */
  readonly duplicates: number;
  /** Probability a message's payload is broken (see malformed-payload.ts). */
  readonly malformed: number;
  /** Bound of an out-of-order delay, ms of event time (default 2 000). */
  readonly maxOutOfOrderMs: number;
  /** Range of a late delay, ms (default 15 s to 2 min). */
  readonly lateDelayMs: Range;
  /** Range of the gap between a message and its duplicate, ms (default 0 to 1 s). */
  readonly duplicateDelayMs: Range;
}

export const DEFAULT_NETWORK_FAULTS: NetworkFaultOptions = {
  outOfOrder: 0,
  late: 0,
  duplicates: 0,
  malformed: 0,
  maxOutOfOrderMs: 2_000,
  lateDelayMs: [15_000, 120_000],
  duplicateDelayMs: [0, 1_000],
};

/** A fault applied to one message (a message can have several). */
export type FaultKind = 'out-of-order' | 'late' | 'duplicate' | 'malformed';

/** What happens to one message on its way out. */
export interface FaultDecision {
  /** Publish this long after the message's event time (0 = on time). */
  readonly delayMs: number;
  readonly delay: 'out-of-order' | 'late' | undefined;
  /** Also publish a copy this long after the original; undefined = no duplicate. */
  readonly duplicateAfterMs: number | undefined;
  readonly malformed: boolean;
}

/** Fills in defaults and checks every option; throws a RangeError naming the bad one. */
export function resolveNetworkFaults(options: Partial<NetworkFaultOptions> = {}): NetworkFaultOptions {
  const resolved = { ...DEFAULT_NETWORK_FAULTS, ...options };
  for (const key of ['outOfOrder', 'late', 'duplicates', 'malformed'] as const) {
    const p = resolved[key];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`fault probability ${key} must be in [0, 1], got ${p}`);
  }
  if (resolved.outOfOrder + resolved.late > 1) {
    throw new RangeError(
      `out-of-order (${resolved.outOfOrder}) and late (${resolved.late}) probabilities add up to more than 1; ` +
        'a message is delayed at most one way, lower one of them',
    );
  }
  if (!(resolved.maxOutOfOrderMs >= 1)) {
    throw new RangeError(`maxOutOfOrderMs must be >= 1, got ${resolved.maxOutOfOrderMs}`);
  }
  checkRange('lateDelayMs', resolved.lateDelayMs, resolved.maxOutOfOrderMs + 1);
  checkRange('duplicateDelayMs', resolved.duplicateDelayMs, 0);
  return resolved;
}

/**
 * Draws the faults of one message. A message is late with probability `late`, else out of order
 * with probability `outOfOrder` (one draw, so both rates are honoured exactly in expectation);
 * duplicates and malformed payloads are independent draws.
 */
export function decideFaults(options: NetworkFaultOptions, random: Random): FaultDecision {
  const malformed = options.malformed > 0 && random.chance(options.malformed);
  let delay: FaultDecision['delay'];
  let delayMs = 0;
  if (options.late > 0 || options.outOfOrder > 0) {
    const u = random.next();
    if (u < options.late) {
      delay = 'late';
      delayMs = Math.round(uniform(options.lateDelayMs, random));
    } else if (u < options.late + options.outOfOrder) {
      delay = 'out-of-order';
      delayMs = 1 + random.int(options.maxOutOfOrderMs);
    }
  }
  const duplicateAfterMs =
    options.duplicates > 0 && random.chance(options.duplicates)
      ? Math.round(uniform(options.duplicateDelayMs, random))
      : undefined;
  return { delayMs, delay, duplicateAfterMs, malformed };
}

function checkRange(name: string, range: Range, min: number): void {
  const [lo, hi] = range;
  if (!(lo >= min && hi >= lo)) {
    throw new RangeError(`${name} must be [min, max] with ${min} <= min <= max, got [${lo}, ${hi}]`);
  }
}
