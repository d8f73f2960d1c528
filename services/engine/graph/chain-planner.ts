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
  /** For each node of {@link ChainPlanHooks.entries}: the downstream its records enter here. */
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly entries: ReadonlyMap<number, Downstream<any>>;
}

/**
 * How a thread plans its part of a parallel job (see `placement.ts`); without hooks the whole
 * graph is planned in one thread.
 */
export interface ChainPlanHooks {
  /** Whether this thread runs `node`; nodes it does not run are left out. */
  readonly runsHere: (node: Transformation) => boolean;
  /** The output standing for the edge `node → consumer` when that edge crosses to another task. */
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly exchange: (node: Transformation, consumer: Transformation) => Downstream<any> | undefined;
  /** Nodes whose records arrive from other tasks: the plan gives the downstream they enter. */
  readonly entries: readonly Transformation[];
}

/**
 * Chains operators: every forward edge becomes a direct call (no queue, no copy). Without hooks
 * (parallelism 1) the whole graph is one chain and a `keyBy` partition is a no-op. With hooks a
 * thread plans only the nodes it runs: an edge crossing to another task becomes the exchange
 * output the hooks give (channels), and `entries` are where records from other tasks come in.
 * Side outputs are wired to their consumers; a side output nobody consumes is dropped.
 */
export function planChains(transformations: readonly Transformation[], hooks?: ChainPlanHooks): PhysicalPlan {
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
    const { operator, output } = instantiate(node);
    return new OperatorInput(operator, output);
  };
  /** The main consumers of `node` (side-output nodes excluded). */
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  const downstreamOf = (node: Transformation): Downstream<any> => {
    const direct = (consumers.get(node.id) ?? []).filter((c) => c.kind !== 'side-output');
    if (!hooks) return combineDownstreams(direct.map(inputOf));
    // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
    const targets: Downstream<any>[] = [];
    for (const consumer of direct) {
      const exchange = hooks.exchange(node, consumer);
      if (exchange) {
        if (!targets.includes(exchange)) targets.push(exchange);
      } else if (hooks.runsHere(consumer)) targets.push(inputOf(consumer));
    }
    return combineDownstreams(targets);
  };
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
    .filter((n): n is SourceTransformation => n.kind === 'source' && (!hooks || hooks.runsHere(n)))
    .map((node) => ({ node, output: downstreamOf(node) }));
  const entries = new Map((hooks?.entries ?? []).map((node) => [node.id, downstreamOf(node)]));
  // Map insertion order is post-order (consumers first); reversed it is upstream-first.
  return { sources, operators: [...operators.values()].reverse(), entries };
}

/**
 * Where records enter an operator of a chain: records and watermarks go to the operator; a
 * barrier goes straight on to the operator's output (operators of a chain are snapshotted
 * together between two records, so the barrier only has to reach the exchanges the chain feeds).
 */
class OperatorInput<T> implements Downstream<T> {
  constructor(
    private readonly operator: StreamOperator<T, unknown>,
    private readonly output: Output<unknown>,
  ) {}

  collect(value: T, timestamp: number): void {
    this.operator.processElement(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.operator.processWatermark(watermark);
  }

  emitBarrier(checkpointId: number): void {
    this.output.emitBarrier?.(checkpointId);
  }
}
