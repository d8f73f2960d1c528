import type { Logger } from '../../common/logger.ts';
import type { Clock } from '../../engine/time/clock.ts';
import type { InfluxSinkBuffer } from './influx-sink-buffer.ts';
import type { InfluxSinkLimits } from './influx-sink-options.ts';

/** What closing needs from an `InfluxSink` (besides its buffer). */
export interface ClosingInfluxSink {
  readonly name: string;
  readonly endpoint: string;
  readonly logger: Logger;
  readonly limits: InfluxSinkLimits;
  /** The sink's clock (set by `open()`; only read when the sink was open). */
  readonly clock: Clock;
  /** Whether the last contact with InfluxDB succeeded. */
  reachable(): boolean;
  lastError(): string | undefined;
}

/**
 * What `InfluxSink.close()` does with the points its `buffer` still holds, before it stops the
 * timers; `undefined` when nothing is left to wait for. With a spill dir, what cannot reach
 * InfluxDB now (unreachable, closed before it was open, or not acknowledged within
 * `closeTimeoutMs`) is spilled and fsynced, to be written at the next start. Without one, an open
 * sink flushes for at most `closeTimeoutMs`; past it, or when the sink is closed before it was
 * open, the points left are given up (counted as dropped, logged) and this rejects (or throws).
 *
 * @example
 * try {
 *   await settleBeforeClose(sinkHost, buffer, wasOpen);
 * } finally {
 *   buffer.stopTimers();
 * }
 */
export function settleBeforeClose(
  sink: ClosingInfluxSink,
  buffer: InfluxSinkBuffer,
  wasOpen: boolean,
): Promise<void> | undefined {
  const spill = buffer.spill;
  if (spill && !spill.spilling && (!wasOpen || !sink.reachable()) && buffer.buffered > 0) {
    return buffer.startSpilling(
      wasOpen ? 'closing while InfluxDB is unreachable' : 'closed before it was open',
    );
  }
  if (wasOpen) return flushWithin(sink, buffer, sink.limits.closeTimeoutMs);
  if (buffer.buffered > 0) throw giveUp(sink, buffer, `${sink.name} was closed before it was open`);
  return undefined;
}

function flushWithin(sink: ClosingInfluxSink, buffer: InfluxSinkBuffer, timeoutMs: number): Promise<void> {
  const flushed = buffer.flush(sink.reachable());
  if (!Number.isFinite(timeoutMs)) return flushed;
  return new Promise((resolve, reject) => {
    const cancel = sink.clock.setTimeout(() => {
      if (buffer.spill)
        buffer.startSpilling(`not acknowledged within ${timeoutMs} ms of close()`).then(resolve, reject);
      else
        reject(
          giveUp(sink, buffer, `${sink.endpoint} did not acknowledge them within ${timeoutMs} ms of close()`),
        );
    }, timeoutMs);
    flushed.then(() => {
      cancel();
      resolve();
    }, reject);
  });
}

/** Gives up every unsettled point (counted as dropped), fails pending flushes, returns the error. */
function giveUp(sink: ClosingInfluxSink, buffer: InfluxSinkBuffer, why: string): Error {
  const lost = buffer.buffered;
  const error = new Error(
    `${sink.name}: gave up ${lost} points: ${why} (last error: ${sink.lastError() ?? 'none'})`,
  );
  sink.logger.error({ sink: sink.name, endpoint: sink.endpoint, lost }, error.message);
  buffer.abandon(error);
  return error;
}
