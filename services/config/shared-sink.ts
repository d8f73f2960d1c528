import type { Sink, SinkContext } from '../engine/api/sink.ts';

/**
 * One sink fed by several streams (a job file's windows all write to one InfluxDB sink). The engine
 * opens and closes each `sinkTo` target once, so every stream gets its own handle from `branch()`:
 * the first handle opened opens the sink, the last one closed closes it, and writes and flushes go
 * straight through.
 *
 * @example
 * const influx = shareSink(influxSink);
 * tumbling.sinkTo(influx.branch());
 * sliding.sinkTo(influx.branch());
 */
export function shareSink<T>(sink: Sink<T>): { branch(): Sink<T> } {
  let opening: Promise<void> | undefined;
  let open = 0;
  let handles = 0;
  return {
    branch(): Sink<T> {
      handles++;
      let opened = false;
      return {
        name: handles === 1 ? sink.name : `${sink.name}#${handles}`,
        async open(ctx: SinkContext) {
          if (opened) return;
          opening ??= sink.open(ctx);
          await opening;
          opened = true;
          open++;
        },
        write: (record, timestamp) => sink.write(record, timestamp),
        flush: () => sink.flush(),
        async close() {
          if (!opened) return;
          opened = false;
          open--;
          if (open === 0) await sink.close();
        },
      };
    },
  };
}
