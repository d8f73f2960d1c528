import type { Sink, SinkContext } from '../engine/api/sink.ts';

/**
 * One sink that hands every record to each of `targets` (a job's predictions to InfluxDB and to
 * the live feed, bound under one name). Opening, flushing and closing reach every target: a
 * flush resolves once all targets flushed and rejects with the first failure; close closes them
 * all even when one fails, then rethrows that failure. It is writable while every target is
 * (backpressure: a full InfluxDB sink holds the sources). A single target is returned as it is.
 *
 * @example
 * const predictions = fanOutSink('predictions', [influxPredictions, liveFeed.sink('prediction')]);
 * sinks[JOB_FILE_BINDINGS.predictions] = predictions;
 */
export function fanOutSink<T>(name: string, targets: readonly Sink<T>[]): Sink<T> {
  if (targets.length === 0) throw new Error(`sink ${name}: give at least one target`);
  if (targets.length === 1) return targets[0]!;
  return {
    name,
    async open(ctx: SinkContext) {
      await Promise.all(targets.map((target) => target.open(ctx)));
    },
    write(record, timestamp) {
      for (const target of targets) target.write(record, timestamp);
    },
    async flush() {
      await Promise.all(targets.map((target) => target.flush()));
    },
    /** Writable while every target is: one full target holds the sources for all. */
    get writable() {
      return targets.every((target) => target.writable !== false);
    },
    onDrain(listener: () => void) {
      const stops = targets.map((target) =>
        target.onDrain?.(() => {
          if (targets.every((t) => t.writable !== false)) listener();
        }),
      );
      return () => {
        for (const stop of stops) stop?.();
      };
    },
    async close() {
      const results = await Promise.allSettled(targets.map((target) => target.close()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
