import { explainTopicPattern } from '../connectors/mqtt/topic-pattern.ts';
import { explainAggregateName } from '../engine/aggregates/named-aggregates.ts';
import { parseDuration } from '../engine/windows/duration-label.ts';
import { detectorStepSpecs } from './detector-step-specs.ts';
import type { JobFile, SessionWindowFile, SlidingWindowFile, TumblingWindowFile } from './job-file-schema.ts';
import { JOB_DEFAULTS, type JobSpec, type SourceSpec, type WindowSpec } from './job-spec.ts';
import { modelStepSpecs } from './model-step-specs.ts';
import type { PathProblem } from './schema-problems.ts';
import { windowAssigner } from './window-assigner-of.ts';

/** A window as the file has it, once its keys were checked against its `type`. */
export type WindowFile =
  | (TumblingWindowFile & { type: 'tumbling' })
  | (SlidingWindowFile & { type: 'sliding' })
  | (SessionWindowFile & { type: 'session' });

/**
 * The checks a schema cannot make (durations that must be positive, window shapes the engine
 * refuses, aggregate names, topic patterns, window labels that would collide, models against the
 * model registry: `model-step-specs.ts`, detectors against the detector registry:
 * `detector-step-specs.ts`), and the defaults filled in. Returns the job, or every problem found, each with its path.
 */
export function toJobSpec(
  file: JobFile,
  windows: readonly WindowFile[],
): { readonly spec: JobSpec } | { readonly problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const ms = (text: string, path: (string | number)[], rule: 'positive' | 'non-negative' | 'any'): number => {
    const value = text.startsWith('-') ? -parseDuration(text.slice(1)) : parseDuration(text);
    if (!Number.isInteger(value))
      problems.push({ path, message: `${JSON.stringify(text)} is not a whole number of ms` });
    else if (rule === 'positive' && value <= 0)
      problems.push({
        path,
        message: `expected a positive duration such as 10s, got ${JSON.stringify(text)}`,
      });
    else if (rule === 'non-negative' && value < 0)
      problems.push({ path, message: `expected a duration of 0s or more, got ${JSON.stringify(text)}` });
    return value;
  };

  const source = sourceSpec(file, problems);
  const time = file.time ?? {};
  // Timestamp bounds: absent takes the default (none for the past: replaying old data is legitimate), `off` none.
  const bound = (text: string | undefined, key: 'maxFuture' | 'maxPast', fallback?: number) =>
    text === undefined ? fallback : text === 'off' ? undefined : ms(text, ['time', key], 'positive');
  const maxFutureMs = bound(time.maxFuture, 'maxFuture', JOB_DEFAULTS.maxFutureMs);
  const maxPastMs = bound(time.maxPast, 'maxPast');
  const timeSpec = {
    maxOutOfOrdernessMs:
      time.maxOutOfOrderness === undefined
        ? JOB_DEFAULTS.maxOutOfOrdernessMs
        : ms(time.maxOutOfOrderness, ['time', 'maxOutOfOrderness'], 'non-negative'),
    quietPeriodMs:
      time.quietPeriod === undefined
        ? JOB_DEFAULTS.quietPeriodMs
        : ms(time.quietPeriod, ['time', 'quietPeriod'], 'positive'),
    ...(time.idleTimeout === undefined
      ? {}
      : { idleTimeoutMs: ms(time.idleTimeout, ['time', 'idleTimeout'], 'positive') }),
    ...(maxFutureMs === undefined ? {} : { maxFutureMs }),
    ...(maxPastMs === undefined ? {} : { maxPastMs }),
  };

  const labels = new Map<string, number>();
  const windowSpecs = windows.map((w, i): WindowSpec => {
    const at = (key: string): (string | number)[] => ['windows', i, key];
    const before = problems.length;
    const common = {
      allowedLatenessMs:
        w.allowedLateness === undefined
          ? JOB_DEFAULTS.allowedLatenessMs
          : ms(w.allowedLateness, at('allowedLateness'), 'non-negative'),
      aggregates: aggregateNames(w.aggregates ?? JOB_DEFAULTS.aggregates, at('aggregates'), problems),
      late: w.late ?? JOB_DEFAULTS.late,
    };
    let spec: WindowSpec;
    if (w.type === 'tumbling') {
      spec = {
        type: 'tumbling',
        sizeMs: ms(w.size, at('size'), 'positive'),
        offsetMs: w.offset === undefined ? 0 : ms(w.offset, at('offset'), 'any'),
        ...common,
      };
    } else if (w.type === 'sliding') {
      spec = {
        type: 'sliding',
        sizeMs: ms(w.size, at('size'), 'positive'),
        slideMs: ms(w.slide, at('slide'), 'positive'),
        offsetMs: w.offset === undefined ? 0 : ms(w.offset, at('offset'), 'any'),
        ...common,
      };
    } else {
      spec = { type: 'session', gapMs: ms(w.gap, at('gap'), 'positive'), ...common };
    }
    if (problems.length === before) {
      try {
        const label = windowAssigner(spec).label;
        const earlier = labels.get(label);
        if (earlier === undefined) labels.set(label, i);
        else
          problems.push({
            path: ['windows', i],
            message: `has the same label ${JSON.stringify(label)} as windows[${earlier}]: their results would overwrite each other; change one of them`,
          });
      } catch (error) {
        problems.push({ path: ['windows', i], message: (error as Error).message });
      }
    }
    return spec;
  });

  const models = modelStepSpecs(file.models ?? [], source, ms, problems);
  const detectors = detectorStepSpecs(file.detectors ?? [], source, ms, problems);

  if (file.sinks !== undefined && file.sinks.influx === undefined && file.sinks.live !== true) {
    problems.push({
      path: ['sinks'],
      message: 'results go nowhere: name influx ({} for window_agg) or set live: true',
    });
  }
  const ttl = file.state?.ttl;
  const state =
    ttl === undefined
      ? undefined
      : { ttlMs: ttl === 'off' ? ('off' as const) : ms(ttl, ['state', 'ttl'], 'positive') };
  if (problems.length > 0) return { problems };
  return {
    spec: {
      name: file.name,
      source,
      time: timeSpec,
      key: file.key ?? [...JOB_DEFAULTS.key],
      windows: windowSpecs,
      models,
      detectors,
      ...(state === undefined ? {} : { state }),
      sinks:
        file.sinks === undefined
          ? { influx: { measurement: JOB_DEFAULTS.measurement }, live: JOB_DEFAULTS.live }
          : {
              ...(file.sinks.influx === undefined
                ? {}
                : { influx: { measurement: file.sinks.influx.measurement ?? JOB_DEFAULTS.measurement } }),
              live: file.sinks.live ?? false,
            },
    },
  };
}

function sourceSpec(file: JobFile, problems: PathProblem[]): SourceSpec {
  const source = file.source ?? {};
  const topics = source.topics ?? [...JOB_DEFAULTS.topics];
  topics.forEach((topic, j) => {
    const path = ['source', 'topics', j];
    const problem = explainTopicPattern(topic);
    if (problem !== undefined)
      problems.push({ path, message: `topic pattern ${JSON.stringify(topic)} ${problem}` });
    else if (topics.indexOf(topic) !== j)
      problems.push({ path, message: `${JSON.stringify(topic)} is listed twice` });
  });
  const timeField = source.timeField ?? JOB_DEFAULTS.timeField;
  const { include, exclude } = source.metrics ?? {};
  if (source.metrics !== undefined && include === undefined && exclude === undefined) {
    problems.push({
      path: ['source', 'metrics'],
      message: 'give include or exclude (or leave metrics out: every field)',
    });
  }
  if (include !== undefined && exclude !== undefined) {
    problems.push({
      path: ['source', 'metrics', 'exclude'],
      message: 'give include or exclude, not both (include already names every metric)',
    });
  }
  const timeIndex = include?.indexOf(timeField) ?? -1;
  if (timeIndex >= 0) {
    problems.push({
      path: ['source', 'metrics', 'include', timeIndex],
      message: `${JSON.stringify(timeField)} is the time field and cannot also be a metric`,
    });
  }
  return {
    topics,
    timeField,
    timeFormat: source.timeFormat ?? JOB_DEFAULTS.timeFormat,
    ...(include === undefined ? {} : { include }),
    ...(exclude === undefined ? {} : { exclude }),
  };
}

function aggregateNames(
  names: readonly string[],
  path: (string | number)[],
  problems: PathProblem[],
): readonly string[] {
  names.forEach((name, j) => {
    const problem = explainAggregateName(name);
    if (problem !== undefined) problems.push({ path: [...path, j], message: problem });
    else if (names.indexOf(name) !== j)
      problems.push({ path: [...path, j], message: `${JSON.stringify(name)} is listed twice` });
  });
  return names;
}
