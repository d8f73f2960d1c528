import { SinkOperator } from '../runtime/operators/sink-operator.ts';
import {
  combineDownstreams,
  type Downstream,
  discarding,
  OperatorOutput,
  type Output,
} from '../runtime/output.ts';
import type { StreamOperator } from '../runtime/stream-operator.ts';
import type {
  OperatorTransformation,
  SinkTransformation,
  SourceTransformation,
  Transformation,
} from './transformation.ts';

/** One operator instance of the physical plan, with the output it was wired to. */
export interface PlannedOperator {
  readonly node: OperatorTransformation | SinkTransformation;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly operator: StreamOperator<any, any>;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly output: Output<any>;
}

/** A source and the downstream its records enter (the head of its chain). */
export interface PlannedSource {
  readonly node: SourceTransformation;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly output: Downstream<any>;
}

export interface PhysicalPlan {
  readonly sources: readonly PlannedSource[];
  /** In topological order: every operator comes after the operators feeding it. */
  readonly operators: readonly PlannedOperator[];
}

/**
 * Plans a job for parallelism 1: every edge is forward, so the whole graph becomes one chain of
 * direct calls (no queue, no copy). A `keyBy` partition is a no-op here; it is where the planner
 * will cut the chain into parallel subtasks connected by channels. Side outputs are wired to their
 * consumers; a side output nobody consumes is dropped.
 */
export function planChains(transformations: readonly Transformation[]): PhysicalPlan {
  const consumers = new Map<number, Transformation[]>();
  for (const node of transformations) {
    if (node.kind === 'source') continue;
    const list = consumers.get(node.input.id) ?? [];
    list.push(node);
    consumers.set(node.input.id, list);
  }
  if (!transformations.some((n) => n.kind === 'sink')) {
    throw new Error('the job has no sink: end at least one stream with sinkTo()');
  }

  const operators = new Map<number, PlannedOperator>();
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  const inputOf = (node: Transformation): Downstream<any> => {
    if (node.kind === 'partition' || node.kind === 'side-output') return downstreamOf(node);
    if (node.kind === 'source') throw new Error(`source "${node.name}" cannot consume a stream`);
    const operator = instantiate(node).operator;
    return {
      collect: (value, timestamp) => operator.processElement(value, timestamp),
      emitWatermark: (watermark) => operator.processWatermark(watermark),
    };
  };
  /** The main consumers of `node` (side-output nodes excluded). */
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  const downstreamOf = (node: Transformation): Downstream<any> =>
    combineDownstreams((consumers.get(node.id) ?? []).filter((c) => c.kind !== 'side-output').map(inputOf));
  const outputOf = (node: OperatorTransformation): OperatorOutput<unknown> => {
    const sides = new Map<string, Downstream<unknown>>();
    for (const consumer of consumers.get(node.id) ?? []) {
      if (consumer.kind !== 'side-output') continue;
      const existing = sides.get(consumer.tag.id);
      const target = downstreamOf(consumer);
      sides.set(consumer.tag.id, existing ? combineDownstreams([existing, target]) : target);
    }
    return new OperatorOutput(downstreamOf(node), sides);
  };
  const instantiate = (node: OperatorTransformation | SinkTransformation): PlannedOperator => {
    const existing = operators.get(node.id);
    if (existing) return existing;
    const planned: PlannedOperator =
      node.kind === 'sink'
        ? { node, operator: new SinkOperator(node.sink), output: new OperatorOutput(discarding) }
        : { node, operator: node.createOperator(), output: outputOf(node) };
    operators.set(node.id, planned);
    return planned;
  };

  const sources = transformations
    .filter((n): n is SourceTransformation => n.kind === 'source')
    .map((node) => ({ node, output: downstreamOf(node) }));
  // Map insertion order is post-order (consumers first); reversed it is upstream-first.
  return { sources, operators: [...operators.values()].reverse() };
}
