import { afterEach, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../../services/common/logger.ts';
import { telemetryLimitsOf } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import type { Sink } from '../../../services/engine/api/sink.ts';
import type { Source } from '../../../services/engine/api/source.ts';
import type { JobExecution } from '../../../services/engine/runtime/job-execution.ts';
import { runJob } from '../../../services/engine/runtime/parallel/run-job.ts';
import { ManualClock } from '../../../services/engine/time/clock.ts';
import { JOB_FILE_MODULE, type JobFileArgs } from '../../../services/jobs/job-file-module.ts';
import { type MqttIngest, openMqttIngest } from '../../../services/server/mqtt-ingest.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * A reading stamped in the year 2100 among normal ones, through both MQTT sources `openMqttIngest`
 * builds (the embedded broker's and an `MqttSource` on the test Mosquitto) into a job file's job:
 * with the default future bound (5 min ahead of the job's Clock) it goes to the dead letters as
 * `ts_out_of_range`, the watermark stays with the normal readings, and the windows after it still
 * close and come out.
 */

const T0 = 1_700_000_000_000; // a multiple of 10 s
const YEAR_2100 = Date.UTC(2100, 0, 1);

/** 10 s tumbling windows with 1 s out-of-orderness; every other setting (incl. maxFuture) defaulted. */
function spec(topic: string) {
  return parseJobFile(
    [
      'name: bounds',
      `source: { topics: ["${topic}"] }`,
      'time: { maxOutOfOrderness: 1s }',
      'windows: [{ type: tumbling, size: 10s, aggregates: [count] }]',
      '',
    ].join('\n'),
    'bounds.yaml',
  );
}

function collecting(into: WindowAggregate[]): Sink<unknown> {
  return {
    name: 'results',
    open: async () => {},
    write: (record) => void into.push(record as WindowAggregate),
    flush: async () => {},
    close: async () => {},
  };
}

describe('timestamp bounds from the job file through the MQTT ingest', () => {
  let ingest: MqttIngest | undefined;
  let job: JobExecution | undefined;

  afterEach(async () => {
    await job?.stop();
    await ingest?.close();
    job = undefined;
    ingest = undefined;
  });

  it.each([
    ['the embedded broker', 'embedded'],
    ['Mosquitto (MqttSource)', 'external'],
  ] as const)(
    'through %s: a reading stamped in 2100 is dead-lettered and moves no watermark',
    async (_, mode) => {
      const prefix = `bounds-${mode}`;
      const jobSpec = spec(`${prefix}/{device}/telemetry`);
      expect(jobSpec.time.maxFutureMs).toBe(300_000);
      const clock = new ManualClock(T0 + 60_000); // processing time: a minute after the first reading
      ingest = await openMqttIngest(
        {
          ...(mode === 'external' ? { mqttUrl: inject('mqttUrl') } : {}),
          mqttPort: 0,
          mqttHost: '127.0.0.1',
          topics: jobSpec.source.topics,
          limits: telemetryLimitsOf(jobSpec.time),
        },
        silentLogger,
      );
      const results: WindowAggregate[] = [];
      job = await runJob<JobFileArgs>({
        name: jobSpec.name,
        module: JOB_FILE_MODULE,
        args: { spec: jobSpec, results: ['results'], lateReadings: false },
        clock,
        sources: { readings: ingest.source as Source<unknown> },
        sinks: { results: collecting(results) },
      });
      const running = job;
      const source = ingest.source;
      const stats = () => source.stats();
      await waitFor(() => ingest?.connected() === true, { message: 'the source connected' });
      const publisher = await ingest.openPublisher();
      const publish = (ts: number, value: number) =>
        publisher.publish(`${prefix}/d1/telemetry`, JSON.stringify({ ts, temperature: value }), { qos: 1 });
      const watermark = () => running.metrics().sources[0]?.watermark ?? Number.NEGATIVE_INFINITY;
      /** Lets the messages arrive, then moves processing time on so the periodic watermark goes out. */
      const settle = async (messages: number, deadLetters: number) => {
        await waitFor(() => stats().messages >= messages && stats().deadLetters >= deadLetters, {
          message: `${messages} messages, ${deadLetters} dead letters`,
        });
        clock.advance(1_000);
      };

      await publish(T0 + 1_000, 20);
      await publish(T0 + 2_000, 21);
      await settle(2, 0);
      await waitFor(() => watermark() === T0 + 2_000 - 1_000 - 1, {
        message: 'the watermark of the normal readings',
      });

      await publish(YEAR_2100, 99);
      await settle(3, 1);
      expect(stats()).toMatchObject({ messages: 3, readings: 2, deadLetters: 1 });
      expect(stats().deadLettersByCode).toEqual({ ts_out_of_range: 1 });
      expect(watermark()).toBe(T0 + 2_000 - 1_000 - 1);

      // Later normal readings are not late: they close the first window and the second.
      await publish(T0 + 12_000, 22);
      await publish(T0 + 22_000, 23);
      await settle(5, 1);
      await waitFor(() => results.length >= 2, { message: 'two windows' });
      expect(watermark()).toBe(T0 + 22_000 - 1_000 - 1);
      expect(results.map((r) => [r.start, r.count])).toEqual([
        [T0, 2],
        [T0 + 10_000, 1],
      ]);
      expect(job.metrics().operators.reduce((late, op) => late + (op.lateRecordsDropped ?? 0), 0)).toBe(0);
      await (publisher as { close?(): Promise<void> }).close?.();
    },
  );
});
