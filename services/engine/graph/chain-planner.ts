import { SinkOperator } from '../runtime/operators/sink-operator.ts';
import { BroadcastOutput, discardingOutput, type Output } from '../runtime/output.ts';
import type { StreamOperator } from '../runtime/stream-operator.ts';
import type { SourceTransformation, Transformation } from './transformation.ts';

/** One operator instance of the physical plan, with the output it was wired to. */
export interface PlannedOperator {
  readonly node: Transformation;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly operator: StreamOperator<any, any>;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly output: Output<any>;
}

/** A source and the output its records enter (the head of its chain). */
export interface PlannedSource {
  readonly node: SourceTransformation;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly output: Output<any>;
}

export interface PhysicalPlan {
  readonly sources: readonly PlannedSource[];
  /** In topological order: every operator comes after the operators feeding it. */
  readonly operators: readonly PlannedOperator[];
}

/**
 * Plans a job for parallelism 1: every edge is forward, so the whole graph becomes one chain of
 * direct calls (no queue, no copy). A `keyBy` partition is a no-op here; it is where the planner
 * will cut the chain into parallel subtasks connected by channels.
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
  const inputOf = (node: Transformation): Output<any> => {
    if (node.kind === 'partition' || node.kind === 'source') return outputOf(node);
    const planned = instantiate(node);
    const operator = planned.operator;
    return {
      collect: (value, timestamp) => operator.processElement(value, timestamp),
      emitWatermark: (watermark) => operator.processWatermark(watermark),
    };
  };
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  const outputOf = (node: Transformation): Output<any> => {
    const downstream = (consumers.get(node.id) ?? []).map(inputOf);
    if (downstream.length === 0) return discardingOutput;
    return downstream.length === 1 ? downstream[0]! : new BroadcastOutput(downstream);
  };
  const instantiate = (node: Transformation): PlannedOperator => {
    const existing = operators.get(node.id);
    if (existing) return existing;
    if (node.kind !== 'operator' && node.kind !== 'sink')
      throw new Error(`cannot instantiate ${node.kind} "${node.name}"`);
    const output = node.kind === 'sink' ? discardingOutput : outputOf(node);
    const operator = node.kind === 'sink' ? new SinkOperator(node.sink) : node.createOperator();
    const planned = { node, operator, output };
    operators.set(node.id, planned);
    return planned;
  };

  const sources = transformations
    .filter((n): n is SourceTransformation => n.kind === 'source')
    .map((node) => ({ node, output: outputOf(node) }));
  // Map insertion order is post-order (consumers first); reverse for upstream-first.
  return { sources, operators: [...operators.values()].reverse() };
}
