import { DEFAULT_DETECTOR_SET } from '../../ml/detectors/default-set.ts';
import type { DetectorSpec } from '../../ml/detectors/detector.ts';
import { DETECTOR_SPECS } from '../../ml/detectors/registry.ts';
import { type DecisionDurationReader, detectorDecision } from './detector-decisions.ts';
import type { DetectorFile } from './job-file-schema.ts';
import { type DetectorMemberSpec, type DetectorStepSpec, JOB_DEFAULTS, type SourceSpec } from './job-spec.ts';
import { describe, type PathProblem, similarWords } from './schema-problems.ts';
import { specParams } from './spec-params.ts';

/** The `detector` value that means the default detector set. */
export const DEFAULT_DETECTOR_SET_NAME = 'default';

/** A set of detectors a job file names as one (`detector: default`). */
export interface DetectorSet {
  readonly members: readonly DetectorMemberSpec[];
  readonly combine: 'max' | 'vote';
}

/** Where detectors are looked up: the registry, and the default set (undefined: not available). */
export interface DetectorCatalog {
  readonly specs: readonly DetectorSpec[];
  readonly defaultSet: DetectorSet | undefined;
}

/** The registry and the default set (`ml/detectors/default-set.ts`). */
const CATALOG: DetectorCatalog = {
  specs: DETECTOR_SPECS,
  defaultSet: { members: DEFAULT_DETECTOR_SET.members, combine: DEFAULT_DETECTOR_SET.combine },
};

type At = (...keys: (string | number)[]) => (string | number)[];

/**
 * The job file's `detectors`, checked against the detector registry and filled with
 * `JOB_DEFAULTS.detectors`: each entry names one detector (`detector`, with `params`), the
 * default set (`detector: default`) or an ensemble (`detectors: [{ detector, params }]`, with
 * `combine`); every detector exists and its parameters fit its spec. A step runs per series
 * (univariate detectors, each series alone) or per device (on the device's rows: multivariate
 * detectors, and univariate ones that read one metric of the row, their `feature`). `per` follows
 * from the detectors (device when one is multivariate) and must fit them when given: per series a
 * detector reads each reading's value, so `feature` is refused there and required per device.
 * Metrics the source leaves out are refused; the decision and overrides
 * are checked by `detectorDecision`. Problems are added to `problems`, each with its path.
 *
 * @example
 * detectorStepSpecs([{ name: 'spikes', detector: 'rolling-z-score', params: { window: 50 } }], source, ms, problems);
 * // [{ name: 'spikes', members: [{ detector: 'rolling-z-score', params: { window: 50 } }], combine: 'max',
 * //    per: 'series', decision: { threshold: 0.5, clearThreshold: 0.4, cooldownMs: 300000 }, overrides: [] }]
 */
export function detectorStepSpecs(
  detectors: readonly DetectorFile[],
  source: SourceSpec,
  ms: DecisionDurationReader,
  problems: PathProblem[],
  catalog: DetectorCatalog = CATALOG,
): DetectorStepSpec[] {
  const names = new Map<string, number>();
  return detectors.map((file, i) => {
    const at: At = (...keys) => ['detectors', i, ...keys];
    const earlier = names.get(file.name);
    if (earlier === undefined) names.set(file.name, i);
    else
      problems.push({
        path: at('name'),
        message: `"${file.name}" is the name of detectors[${earlier}] too: give each detector its own`,
      });

    const { resolved, combine } = members(file, at, catalog, problems);
    const per = scope(file, resolved, at, problems);
    checkMetrics(file, source, at, problems);
    const { decision, overrides } = detectorDecision(file, per, at, ms, problems);
    return {
      name: file.name,
      members: resolved.map(({ member }) => member),
      combine: file.combine ?? combine ?? JOB_DEFAULTS.detectors.combine,
      per,
      ...(file.metrics === undefined ? {} : { metrics: file.metrics }),
      decision,
      overrides,
    };
  });
}

/** A member with its spec (undefined when the name is unknown) and where it sits in the file. */
interface Resolved {
  readonly member: DetectorMemberSpec;
  readonly spec: DetectorSpec | undefined;
  readonly at: At;
}

function members(
  file: DetectorFile,
  at: At,
  catalog: DetectorCatalog,
  problems: PathProblem[],
): { resolved: Resolved[]; combine?: 'max' | 'vote' } {
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });
  if (file.detector !== undefined && file.detectors !== undefined) {
    problem(at('detectors'), 'give detector (one) or detectors (an ensemble), not both');
    return { resolved: [] };
  }
  if (file.detectors !== undefined) {
    if (file.params !== undefined)
      problem(at('params'), 'an ensemble takes params per detector: { detector: ewma, params: {...} }');
    const resolved = file.detectors.map((m, j): Resolved => {
      const mAt: At = (...keys) => at('detectors', j, ...keys);
      const spec = specOf(m.detector, catalog, mAt('detector'), problems);
      const params = spec === undefined ? {} : specParams(spec, m.params ?? {}, mAt('params'), problems);
      return { member: { detector: m.detector, params }, spec, at: mAt };
    });
    return { resolved };
  }
  if (file.detector === undefined) {
    problem(
      at('detector'),
      'missing (expected a detector name such as rolling-z-score, default for the default set, or detectors: [...] for an ensemble)',
    );
    return { resolved: [] };
  }
  if (file.detector === DEFAULT_DETECTOR_SET_NAME) {
    if (file.params !== undefined)
      problem(
        at('params'),
        'the default set takes no params: to tune its detectors, list them under detectors: instead',
      );
    const set = catalog.defaultSet;
    if (set === undefined) {
      problem(at('detector'), 'the default detector set is not available in this build: name detectors');
      return { resolved: [] };
    }
    const resolved = set.members.map((member): Resolved => {
      const spec = catalog.specs.find((s) => s.name === member.detector);
      return { member, spec, at };
    });
    return { resolved, combine: set.combine };
  }
  if (file.combine !== undefined)
    problem(at('combine'), 'combines the scores of several detectors: it needs detectors: [...] or default');
  const spec = specOf(file.detector, catalog, at('detector'), problems);
  const params = spec === undefined ? {} : specParams(spec, file.params ?? {}, at('params'), problems);
  return { resolved: [{ member: { detector: file.detector, params }, spec, at }] };
}

/** The registry's spec of `name`; an unknown name is a problem (with a "did you mean"). */
function specOf(
  name: string,
  catalog: DetectorCatalog,
  path: (string | number)[],
  problems: PathProblem[],
): DetectorSpec | undefined {
  const spec = catalog.specs.find((s) => s.name === name);
  if (spec !== undefined) return spec;
  const known = catalog.specs.map((s) => s.name);
  const close = similarWords(name, known);
  const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
  const message =
    name === DEFAULT_DETECTOR_SET_NAME
      ? 'default is the default set: use it as detector: default, not inside detectors'
      : `unknown detector "${name}" (${hint}detectors: ${known.join(', ')}${catalog.defaultSet ? ', or default' : ''})`;
  problems.push({ path, message });
  return undefined;
}

/**
 * `per` from the members' input kind: a multivariate member scores rows (device), univariate
 * members alone score series unless `per: device` says otherwise; per device a univariate member
 * reads one metric of the row (its `feature`), per series none names one.
 */
function scope(file: DetectorFile, resolved: readonly Resolved[], at: At, problems: PathProblem[]) {
  const multivariate = resolved.filter((r) => r.spec?.input === 'multivariate').map((r) => r.member.detector);
  const inferred = multivariate.length > 0 ? 'device' : 'series';
  const per = file.per ?? inferred;
  if (per === 'series' && multivariate.length > 0) {
    const s = multivariate.length === 1 ? 's' : '';
    problems.push({
      path: at('per'),
      message: `${multivariate.join(', ')} score${s} a device's readings together: per must be device, got series`,
    });
  }
  for (const r of resolved) {
    if (r.spec?.input !== 'univariate') continue;
    const feature = r.member.params.feature;
    if (per === 'series' && feature !== undefined) {
      problems.push({
        path: r.at('params', 'feature'),
        message: 'per series a detector reads each reading of the series: leave feature out',
      });
    } else if (per === 'device' && feature === undefined) {
      problems.push({
        path: r.at('detector'),
        message: `${r.member.detector} reads one number: per device give it the metric of the row it reads (params: { feature: temperature })`,
      });
    } else if (per === 'device' && file.metrics !== undefined && !file.metrics.includes(String(feature))) {
      problems.push({
        path: r.at('params', 'feature'),
        message: `${describe(feature)} is not one of the detector's metrics (${file.metrics.join(', ')}): it never sees it`,
      });
    }
  }
  return per;
}

/** Every metric named one the source keeps. */
function checkMetrics(file: DetectorFile, source: SourceSpec, at: At, problems: PathProblem[]): void {
  (file.metrics ?? []).forEach((metric, j) => {
    const path = at('metrics', j);
    if (source.include !== undefined && !source.include.includes(metric)) {
      problems.push({
        path,
        message: `${describe(metric)} is not a metric of the source (source.metrics.include: ${source.include.join(', ')})`,
      });
    } else if (source.exclude?.includes(metric)) {
      problems.push({ path, message: `${describe(metric)} is left out by source.metrics.exclude` });
    } else if (metric === source.timeField) {
      problems.push({ path, message: `${describe(metric)} is the time field, not a metric` });
    }
  });
}
