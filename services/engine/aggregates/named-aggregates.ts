import { combineAggregates, type FieldsAggregate, field, pick } from './combine-aggregates.ts';
import { count } from './count.ts';
import { first } from './first.ts';
import { last } from './last.ts';
import { max } from './max.ts';
import { mean } from './mean.ts';
import { min } from './min.ts';
import { percentiles } from './percentiles.ts';
import { stddev } from './stddev.ts';
import { sum } from './sum.ts';
import { summaryStats } from './summary-stats.ts';

/** The aggregates a job file can name, besides percentiles (`p50`, `p95`, `p99.9`…). */
export const AGGREGATE_NAMES = ['count', 'sum', 'mean', 'min', 'max', 'stddev', 'first', 'last'] as const;
export type AggregateName = (typeof AGGREGATE_NAMES)[number];

/** The five of `summaryStats`: asked for together, they share its one accumulator. */
const SUMMARY = ['count', 'mean', 'min', 'max', 'stddev'] as const;

/** `p` and a percentile above 0 and below 100, at most three decimals: `p50`, `p99.9`. */
const PERCENTILE_NAME = /^p(\d{1,2}(?:\.\d{1,3})?)$/;

/** How to read a record: its value, and its event time (for `first` and `last`). */
export interface AggregateInputs<T> {
  readonly value: (record: T) => number;
  readonly time: (record: T) => number;
}

/**
 * Why `name` is not an aggregate name, or `undefined` when it is one.
 *
 * @example
 * explainAggregateName('p95');    // undefined
 * explainAggregateName('median'); // 'unknown aggregate "median": use count, sum, … or a percentile such as p50, p95, p99.9'
 */
export function explainAggregateName(name: string): string | undefined {
  if ((AGGREGATE_NAMES as readonly string[]).includes(name)) return undefined;
  const match = PERCENTILE_NAME.exec(name);
  if (match) {
    const percent = Number(match[1]);
    if (percent > 0 && percent < 100) return undefined;
    return `percentile ${JSON.stringify(name)} is out of range: use p1 to p99.999 (min and max are the ends)`;
  }
  return (
    `unknown aggregate ${JSON.stringify(name)}: use ${AGGREGATE_NAMES.join(', ')}` +
    ', or a percentile such as p50, p95, p99.9'
  );
}

/** The quantile (0..1) of a percentile name such as `p95`, or `undefined` for other names. */
export function percentileOf(name: string): number | undefined {
  const match = PERCENTILE_NAME.exec(name);
  return match ? Number(match[1]) / 100 : undefined;
}

/**
 * The aggregates called `names`, computed together in one accumulator; the result has one field per
 * name. Percentiles share one t-digest; `count`, `mean`, `min`, `max`, `stddev` asked for all together
 * share `summaryStats`' accumulator. Throws on an unknown or repeated name.
 *
 * @example
 * const agg = namedAggregates(['count', 'mean', 'p95'], { value: (r: Reading) => r.value, time: (r) => r.ts });
 * // agg.getResult(acc) → { count: 12, mean: 21.3, p95: 24.9 }
 */
export function namedAggregates<T>(names: readonly string[], inputs: AggregateInputs<T>): FieldsAggregate<T> {
  if (names.length === 0) throw new Error('name at least one aggregate, e.g. count');
  const seen = new Set<string>();
  for (const name of names) {
    const problem = explainAggregateName(name);
    if (problem) throw new Error(problem);
    if (seen.has(name)) throw new Error(`aggregate ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
  const members: FieldsAggregate<T>[] = [];
  const sharedSummary = SUMMARY.every((name) => seen.has(name));
  if (sharedSummary) members.push(pick(summaryStats(inputs.value), SUMMARY));
  const quantiles: Record<string, number> = {};
  for (const name of names) {
    const q = percentileOf(name);
    if (q !== undefined) quantiles[name] = q;
    else if (!(sharedSummary && (SUMMARY as readonly string[]).includes(name)))
      members.push(member(name as AggregateName, inputs));
  }
  if (Object.keys(quantiles).length > 0) members.push(percentiles(inputs.value, quantiles));
  // described by the names asked for: what a job file says, and what a savepoint must match
  return { ...combineAggregates(members), description: { aggregates: [...names] } };
}

function member<T>(name: AggregateName, { value, time }: AggregateInputs<T>): FieldsAggregate<T> {
  switch (name) {
    case 'count':
      return field(name, count<T>());
    case 'sum':
      return field(name, sum(value));
    case 'mean':
      return field(name, mean(value));
    case 'min':
      return field(name, min(value));
    case 'max':
      return field(name, max(value));
    case 'stddev':
      return field(name, stddev(value));
    case 'first':
      return field(name, first(value, time));
    case 'last':
      return field(name, last(value, time));
  }
}
