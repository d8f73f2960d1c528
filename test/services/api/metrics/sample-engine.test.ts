import { describe, expect, it } from 'vitest';
import { type MonitoredJob, sampleEngine } from '../../../../services/api/metrics/sample-engine.ts';
import type { JobMetrics } from '../../../../services/engine/runtime/job-execution.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../../../../services/engine/time/watermark.ts';

const T = 1_700_000_000_000;

function job(metrics: Partial<JobMetrics>): MonitoredJob['job'] {
  return { metrics: () => ({ name: 'j', state: 'running', sources: [], operators: [], ...metrics }) };
}

/** `family{label=value,...} value` lines, for compact expectations. */
function lines(jobs: readonly MonitoredJob[], now = T) {
  return sampleEngine(jobs, now).map(
    (s) =>
      `${s.family}{${Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}} ${s.value}`,
  );
}

describe('sampleEngine', () => {
  it('reports the job state as 1 for the current state and 0 for the others', () => {
    expect(lines([{ job: job({ state: 'stopping' }) }])).toEqual([
      'jobState{job=j,state=starting} 0',
      'jobState{job=j,state=running} 0',
      'jobState{job=j,state=stopping} 1',
      'jobState{job=j,state=stopped} 0',
      'jobState{job=j,state=failed} 0',
    ]);
  });

  it('reports operator counters, watermark in seconds and lag against processing time', () => {
    const operators = [
      {
        name: 'window(10s)',
        recordsIn: 7,
        recordsOut: 2,
        watermark: T - 1_500,
        lateRecordsDropped: 1,
        stateKeys: 3,
        stateEntries: 4,
        stateBytes: 2_609,
      },
    ];
    const out = lines([{ job: job({ operators }) }], T + 500).filter((l) => !l.startsWith('jobState'));
    expect(out).toEqual([
      'operatorRecordsIn{job=j,operator=window(10s)} 7',
      'operatorRecordsOut{job=j,operator=window(10s)} 2',
      `operatorWatermark{job=j,operator=window(10s)} ${(T - 1_500) / 1000}`,
      'operatorWatermarkLag{job=j,operator=window(10s)} 2',
      'operatorLateRecordsDropped{job=j,operator=window(10s)} 1',
      'operatorStateKeys{job=j,operator=window(10s)} 3',
      'operatorStateEntries{job=j,operator=window(10s)} 4',
      'operatorStateBytes{job=j,operator=window(10s)} 2609',
    ]);
  });

  it('reports the keys a per-key operator dropped for its state TTL', () => {
    const operators = [
      {
        name: 'model(power)',
        recordsIn: 9,
        recordsOut: 9,
        watermark: MIN_WATERMARK,
        stateKeys: 2,
        keysExpired: 12,
      },
    ];
    const out = lines([{ job: job({ operators }) }]).filter((l) => l.startsWith('operatorKeysExpired'));
    expect(out).toEqual(['operatorKeysExpired{job=j,operator=model(power)} 12']);
  });

  it('leaves out what an operator does not report, and the watermark before the first one', () => {
    const operators = [{ name: 'map', recordsIn: 1, recordsOut: 1, watermark: MIN_WATERMARK }];
    expect(lines([{ job: job({ operators }) }]).filter((l) => !l.startsWith('jobState'))).toEqual([
      'operatorRecordsIn{job=j,operator=map} 1',
      'operatorRecordsOut{job=j,operator=map} 1',
    ]);
  });

  it('shows +Inf and no lag once the input ended', () => {
    const sources = [{ name: 's', recordsOut: 3, watermark: MAX_WATERMARK, ended: true }];
    expect(lines([{ job: job({ sources }) }]).filter((l) => !l.startsWith('jobState'))).toEqual([
      'sourceRecords{job=j,source=s,subtask=} 3',
      'sourceWatermark{job=j,source=s,subtask=} Infinity',
    ]);
  });

  it('keeps repeated operator names apart with #2, #3 in plan order', () => {
    const op = (recordsIn: number) => ({ name: 'map', recordsIn, recordsOut: 0, watermark: MIN_WATERMARK });
    const out = lines([{ job: job({ operators: [op(1), op(2), op(3)] }) }]).filter((l) =>
      l.startsWith('operatorRecordsIn'),
    );
    expect(out).toEqual([
      'operatorRecordsIn{job=j,operator=map} 1',
      'operatorRecordsIn{job=j,operator=map#2} 2',
      'operatorRecordsIn{job=j,operator=map#3} 3',
    ]);
  });

  it('reports parallelism and the channels between threads, none at parallelism 1', () => {
    const channel = {
      exchange: 'key-by',
      from: 'main' as const,
      to: 1,
      inFlight: 3,
      capacity: 4,
      fill: 0.75,
      pendingRecords: 10,
      blocked: false,
      batchesSent: 9,
      recordsSent: 9_000,
      timesBlocked: 2,
      largestBatch: 1_001,
    };
    const out = lines([{ job: job({ parallelism: 2, channels: [channel] }) }]).filter(
      (l) => !l.startsWith('jobState'),
    );
    expect(out).toEqual([
      'jobParallelism{job=j} 2',
      'channelFill{job=j,exchange=key-by,from=main,to=1} 0.75',
      'channelBatchesInFlight{job=j,exchange=key-by,from=main,to=1} 3',
      'channelBlocked{job=j,exchange=key-by,from=main,to=1} 0',
      'channelTimesBlocked{job=j,exchange=key-by,from=main,to=1} 2',
      'channelRecordsSent{job=j,exchange=key-by,from=main,to=1} 9000',
    ]);
    expect(
      lines([{ job: job({ parallelism: 1, channels: [] }) }]).filter((l) => l.startsWith('channel')),
    ).toEqual([]);
  });

  it("tells a parallel source's splits apart by subtask, with their backpressure and idleness", () => {
    const split = (subtask: number, paused: boolean) => ({
      name: 's',
      recordsOut: 5,
      watermark: MIN_WATERMARK,
      ended: false,
      paused,
      pauses: subtask,
      idle: false,
      subtask,
    });
    const out = lines([{ job: job({ sources: [split(0, true), split(1, false)] }) }]).filter((l) =>
      l.startsWith('source'),
    );
    expect(out).toEqual([
      'sourceRecords{job=j,source=s,subtask=0} 5',
      'sourcePaused{job=j,source=s,subtask=0} 1',
      'sourcePauses{job=j,source=s,subtask=0} 0',
      'sourceIdle{job=j,source=s,subtask=0} 0',
      'sourceRecords{job=j,source=s,subtask=1} 5',
      'sourcePaused{job=j,source=s,subtask=1} 0',
      'sourcePauses{job=j,source=s,subtask=1} 1',
      'sourceIdle{job=j,source=s,subtask=1} 0',
    ]);
  });

  it('reports MQTT messages and dead letters by code, every known code from 0', () => {
    const source = {
      name: 'mqtt',
      stats: () => ({
        messages: 10,
        readings: 12,
        deadLetters: 3,
        deadLettersByCode: { invalid_json: 2, invalid_topic: 1 },
        deadLetterPublishFailures: 0,
        subscribed: true,
      }),
    };
    const out = lines([{ job: job({}), telemetrySources: [source] }]).filter(
      (l) => !l.startsWith('jobState'),
    );
    expect(out).toContain('sourceMessages{job=j,source=mqtt} 10');
    expect(out).toContain('sourceDeadLetters{job=j,source=mqtt,code=invalid_json} 2');
    expect(out).toContain('sourceDeadLetters{job=j,source=mqtt,code=invalid_topic} 1');
    expect(out).toContain('sourceDeadLetters{job=j,source=mqtt,code=too_large} 0');
    expect(out.filter((l) => l.startsWith('sourceDeadLetters{'))).toHaveLength(13);
    expect(out).toContain('sourceDeadLetterPublishFailures{job=j,source=mqtt} 0');
    expect(out).toContain('sourceConnected{job=j,source=mqtt} 1');
  });

  it('reports only the counters a source has', () => {
    const source = { name: 'mqtt', stats: () => ({ deadLetters: 0, connected: false }) };
    const out = lines([{ job: job({}), telemetrySources: [source] }]).filter(
      (l) => !l.startsWith('jobState'),
    );
    expect(out).toEqual(['sourceConnected{job=j,source=mqtt} 0']);
  });

  it('reports InfluxDB sink counters', () => {
    const sink = {
      name: 'influx',
      stats: () => ({
        pointsWritten: 100,
        batchesWritten: 2,
        retries: 3,
        pointsDropped: 4,
        batchesDropped: 1,
        pointsBuffered: 5,
        batchesInFlight: 1,
        pointsOverLimit: 0,
        reachable: false,
      }),
    };
    const out = lines([{ job: job({}), influxSinks: [sink] }]).filter((l) => !l.startsWith('jobState'));
    expect(out).toEqual([
      'influxPointsWritten{job=j,sink=influx} 100',
      'influxPointsDropped{job=j,sink=influx} 4',
      'influxPointsBuffered{job=j,sink=influx} 5',
      'influxRetries{job=j,sink=influx} 3',
      'influxBatchesInFlight{job=j,sink=influx} 1',
      'influxReachable{job=j,sink=influx} 0',
    ]);
  });

  it('reports the spill queue and the time the sink held the sources', () => {
    const sink = {
      name: 'influx',
      stats: () => ({
        pointsWritten: 0,
        batchesWritten: 0,
        retries: 9,
        pointsDropped: 0,
        batchesDropped: 0,
        pointsBuffered: 0,
        batchesInFlight: 0,
        pointsOverLimit: 0,
        reachable: false,
        backpressured: true,
        backpressuredMs: 2_500,
        spill: {
          spilling: true,
          pointsSpilled: 700,
          bytesSpilled: 9_000,
          bytes: 8_192,
          segments: 2,
          spills: 1,
        },
      }),
    };
    const out = lines([{ job: job({}), influxSinks: [sink] }]).filter((l) =>
      /Spill|spill|Backpressured/.test(l),
    );
    expect(out).toEqual([
      'influxBackpressured{job=j,sink=influx} 1',
      'influxBackpressuredSeconds{job=j,sink=influx} 2.5',
      'influxSpilling{job=j,sink=influx} 1',
      'influxSpillBytes{job=j,sink=influx} 8192',
      'influxSpillSegments{job=j,sink=influx} 2',
      'influxPointsSpilled{job=j,sink=influx} 700',
    ]);
  });
});
