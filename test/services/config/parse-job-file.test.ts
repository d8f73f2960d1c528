import { describe, expect, it } from 'vitest';
import type { JobFileError } from '../../../services/config/job-file-error.ts';
import { JOB_DEFAULTS } from '../../../services/config/job-spec.ts';
import { parseJobFile } from '../../../services/config/parse-job-file.ts';
import { jobFileProblems as problems } from './support/job-file-problems.ts';

const lines = (...text: string[]) => `${text.join('\n')}\n`;

describe('parseJobFile: a valid job', () => {
  it('fills every default around the two required keys', () => {
    const spec = parseJobFile(
      lines('name: minimal', 'windows:', '  - type: tumbling', '    size: 1m'),
      'job.yaml',
    );
    expect(spec).toEqual({
      name: 'minimal',
      source: { topics: ['sensors/{device}/telemetry'], timeField: 'ts', timeFormat: 'auto' },
      time: { maxOutOfOrdernessMs: 2_000, quietPeriodMs: 30_000, maxFutureMs: 300_000 },
      key: ['device', 'metric'],
      windows: [
        {
          type: 'tumbling',
          sizeMs: 60_000,
          offsetMs: 0,
          allowedLatenessMs: 0,
          aggregates: JOB_DEFAULTS.aggregates,
          late: 'count',
        },
      ],
      models: [],
      detectors: [],
      sinks: { influx: { measurement: 'window_agg' }, live: true },
    });
  });

  it('reads every section: source mapping, time, key, three kinds of window, sinks', () => {
    const spec = parseJobFile(
      lines(
        'name: plant-stats',
        'source:',
        '  topics:',
        '    - plant/+/{device}/data',
        '    - "lab/{device}"',
        '  timeField: time',
        '  timeFormat: epoch_s',
        '  metrics:',
        '    exclude: [status, rssi]',
        'time:',
        '  maxOutOfOrderness: 500ms',
        '  quietPeriod: 1m',
        '  idleTimeout: 5m',
        '  maxFuture: 1h',
        '  maxPast: 30d',
        'key: [metric]',
        'windows:',
        '  - type: tumbling',
        '    size: 1h',
        '    offset: -30m',
        '    aggregates: [count, sum, p95]',
        '  - type: sliding',
        '    size: 1m',
        '    slide: 10s',
        '    allowedLateness: 5s',
        '    late: influx',
        '  - { type: session, gap: 30s, aggregates: [first, last] }',
        'sinks:',
        '  influx: { measurement: plant_agg }',
      ),
      'job.yaml',
    );
    expect(spec.source).toEqual({
      topics: ['plant/+/{device}/data', 'lab/{device}'],
      timeField: 'time',
      timeFormat: 'epoch_s',
      exclude: ['status', 'rssi'],
    });
    expect(spec.time).toEqual({
      maxOutOfOrdernessMs: 500,
      quietPeriodMs: 60_000,
      idleTimeoutMs: 300_000,
      maxFutureMs: 3_600_000,
      maxPastMs: 30 * 86_400_000,
    });
    expect(spec.key).toEqual(['metric']);
    expect(spec.windows).toEqual([
      {
        type: 'tumbling',
        sizeMs: 3_600_000,
        offsetMs: -1_800_000,
        allowedLatenessMs: 0,
        aggregates: ['count', 'sum', 'p95'],
        late: 'count',
      },
      {
        type: 'sliding',
        sizeMs: 60_000,
        slideMs: 10_000,
        offsetMs: 0,
        allowedLatenessMs: 5_000,
        aggregates: JOB_DEFAULTS.aggregates,
        late: 'influx',
      },
      { type: 'session', gapMs: 30_000, allowedLatenessMs: 0, aggregates: ['first', 'last'], late: 'count' },
    ]);
    expect(spec.sinks).toEqual({ influx: { measurement: 'plant_agg' }, live: false });
  });

  it('timestamp bounds: the future one 5 min by default, off switches either off', () => {
    const spec = (time: string) =>
      parseJobFile(lines('name: demo', time, 'windows: [{ type: tumbling, size: 1s }]'), 'job.yaml');
    expect(spec('time: { maxFuture: off, maxPast: off }').time).toEqual({
      maxOutOfOrdernessMs: 2_000,
      quietPeriodMs: 30_000,
    });
    expect(spec('time: { maxPast: 7d }').time).toMatchObject({
      maxFutureMs: 300_000,
      maxPastMs: 604_800_000,
    });
  });

  it('takes YAML anchors and comments in its stride', () => {
    const spec = parseJobFile(
      lines(
        '# a comment',
        'name: anchors',
        'windows:',
        '  - &stats { type: tumbling, size: 10s, aggregates: [mean, p50] }',
        '  - type: tumbling',
        '    size: 1m',
        '    aggregates: [mean, p50]',
      ),
      'job.yaml',
    );
    expect(spec.windows.map((w) => w.aggregates)).toEqual([
      ['mean', 'p50'],
      ['mean', 'p50'],
    ]);
  });
});

describe('parseJobFile: errors name the file, line, column, path and the problem in words', () => {
  it('a value of the wrong form (the example of the brief)', () => {
    expect(problems(lines('name: demo', 'windows:', '  - type: tumbling', '    size: ten'))).toEqual([
      'job.yaml:4:5: windows[0].size: expected a duration such as 10s, got "ten"',
    ]);
  });

  it('unknown keys, with the key meant when it is close, at the key itself', () => {
    expect(problems(lines('name: demo', 'windoes: []'))).toEqual([
      'job.yaml:1:1: windows: missing (expected a list of windows)',
      'job.yaml:2:1: windoes: unknown key (did you mean windows? keys: name, source, time, key, windows, models, detectors, sinks, state)',
    ]);
    expect(
      problems(lines('name: demo', 'windows:', '  - type: session', '    gap: 1m', '    size: 10s')),
    ).toEqual([
      'job.yaml:5:5: windows[0].size: unknown key for a session window (keys: type, allowedLateness, aggregates, late, gap)',
    ]);
    expect(
      problems(lines('name: demo', 'time: { quietperiod: 5s }', 'windows: [{ type: tumbling, size: 1s }]')),
    ).toEqual([
      'job.yaml:2:9: time.quietperiod: unknown key (did you mean quietPeriod? keys: maxOutOfOrderness, quietPeriod, idleTimeout, maxFuture, maxPast)',
    ]);
  });

  it('every problem at once, in file order', () => {
    expect(
      problems(
        lines(
          'name: Demo job',
          'time:',
          '  maxOutOfOrderness: 2',
          'windows:',
          '  - type: tumbling',
          '  - type: hopping',
          'sinks:',
          '  influx:',
          '  live: yes',
        ),
      ),
    ).toEqual([
      `job.yaml:1:1: name: expected a name of letters, digits, '_', '.' or '-' such as plant-averages, got "Demo job"`,
      'job.yaml:3:3: time.maxOutOfOrderness: expected a duration such as 10s, got 2',
      'job.yaml:5:5: windows[0].size: missing (expected a duration such as 10s)',
      'job.yaml:6:5: windows[1].type: expected one of tumbling, sliding, session, got "hopping"',
      'job.yaml:8:3: sinks.influx: expected a map such as { measurement: window_agg } ({} for the default), got nothing',
      'job.yaml:9:3: sinks.live: expected true or false, got "yes"',
    ]);
  });

  it('what only the meaning can tell: durations, aggregates, topics, metrics, window shapes, labels', () => {
    expect(
      problems(
        lines(
          'name: demo',
          'source:',
          '  topics: [sensors/+/telemetry]',
          '  metrics: { include: [a, ts], exclude: [b] }',
          'time: { quietPeriod: 0s }',
          'windows:',
          '  - type: tumbling',
          '    size: 10s',
          '    offset: 10s',
          '  - type: tumbling',
          '    size: 20s',
          '    aggregates: [count, median, count, p100]',
          '  - { type: sliding, size: 1.5ms, slide: 1ms }',
        ),
      ),
    ).toEqual([
      'job.yaml:3:12: source.topics[0]: topic pattern "sensors/+/telemetry" has no {device} level: mark the level that holds the device id, e.g. sensors/{device}/telemetry',
      'job.yaml:4:27: source.metrics.include[1]: "ts" is the time field and cannot also be a metric',
      'job.yaml:4:32: source.metrics.exclude: give include or exclude, not both (include already names every metric)',
      'job.yaml:5:9: time.quietPeriod: expected a positive duration such as 10s, got "0s"',
      'job.yaml:7:5: windows[0]: window offset must be an integer with |offset| < size (10000 ms), got 10000',
      'job.yaml:12:25: windows[1].aggregates[1]: unknown aggregate "median": use count, sum, mean, min, max, stddev, first, last, or a percentile such as p50, p95, p99.9',
      'job.yaml:12:33: windows[1].aggregates[2]: "count" is listed twice',
      'job.yaml:12:40: windows[1].aggregates[3]: unknown aggregate "p100": use count, sum, mean, min, max, stddev, first, last, or a percentile such as p50, p95, p99.9',
      'job.yaml:13:22: windows[2].size: "1.5ms" is not a whole number of ms',
    ]);
  });

  it('timestamp bounds: a positive duration or off, at the line of the value', () => {
    const bad = (...time: string[]) =>
      problems(lines('name: demo', 'time:', ...time, 'windows: [{ type: tumbling, size: 1s }]'));
    expect(bad('  maxOutOfOrderness: 1s', '  maxFuture: soon')).toEqual([
      'job.yaml:4:3: time.maxFuture: expected a duration such as 5m, or off, got "soon"',
    ]);
    expect(bad('  maxPast: 0s')).toEqual([
      'job.yaml:3:3: time.maxPast: expected a positive duration such as 10s, got "0s"',
    ]);
  });

  it('two windows with the same label (their results would land on the same series)', () => {
    expect(
      problems(
        lines(
          'name: demo',
          'windows:',
          '  - { type: tumbling, size: 10s }',
          '  - { type: session, gap: 10s }',
          '  - { type: tumbling, size: 10s, offset: 5s }',
        ),
      ),
    ).toEqual([
      'job.yaml:5:5: windows[2]: has the same label "10s" as windows[0]: their results would overwrite each other; change one of them',
    ]);
  });

  it('repeated key parts, and sinks that lead nowhere', () => {
    expect(
      problems(
        lines(
          'name: demo',
          'key: [device, device]',
          'windows: [{ type: tumbling, size: 1s }]',
          'sinks: { live: false }',
        ),
      ),
    ).toEqual(['job.yaml:2:15: key[1]: "device" is listed twice']);
    expect(
      problems(lines('name: demo', 'windows: [{ type: tumbling, size: 1s }]', 'sinks: { live: false }')),
    ).toEqual(['job.yaml:3:1: sinks: results go nowhere: name influx ({} for window_agg) or set live: true']);
  });

  it('YAML syntax errors, with a hint for {device} inside a flow list', () => {
    expect(problems(lines('name: demo', 'name: again'))).toEqual(['job.yaml:2:1: Map keys must be unique']);
    const [flow] = problems(lines('name: demo', 'source:', '  topics: [sensors/{device}/telemetry]'));
    expect(flow).toMatch(/^job\.yaml:3:\d+: .*inside \[ \], a \{ starts a map: quote text that holds one/);
  });

  it('a file that is empty, not a map, or far too large', () => {
    expect(problems('')).toEqual([
      'job.yaml:1:1: the job file is empty: it needs at least name and windows (see README.md, "Job files")',
    ]);
    expect(problems('# nothing but a comment\n')[0]).toMatch(/is empty/);
    expect(problems('- a\n')).toEqual([
      'job.yaml:1:1: expected a map with at least name and windows, got a list',
    ]);
    expect(problems(`name: big\n#${'x'.repeat(1024 * 1024)}\n`)).toEqual([
      'job.yaml: is larger than 1048576 bytes: is it a job file?',
    ]);
  });

  it('keeps the problems as data too', () => {
    try {
      parseJobFile(lines('name: demo', 'windows:', '  - type: tumbling', '    size: ten'), 'job.yaml');
    } catch (error) {
      expect((error as JobFileError).file).toBe('job.yaml');
      expect((error as JobFileError).problems).toEqual([
        {
          line: 4,
          column: 5,
          path: 'windows[0].size',
          message: 'expected a duration such as 10s, got "ten"',
        },
      ]);
    }
  });
});
