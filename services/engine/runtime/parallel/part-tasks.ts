import type { PhysicalPlan, PlannedOperator } from '../../graph/chain-planner.ts';
import type { Exchange, ParallelLayout, Placement } from '../../graph/placement.ts';
import type { SourceTransformation, Transformation } from '../../graph/transformation.ts';
import type { InputGate } from '../channels/input-gate.ts';
import type { TaskOutputs } from '../channels/task-outputs.ts';

/**
 * One task of a thread's part, as checkpoints see it: a chain with its input (an exchange's gate,
 * or a parallel source's split) and the exchanges it ends in. Each task of a worker snapshots on
 * its own and writes its own file.
 */
export interface PartTask {
  /** Stable across threads and parallelisms: `<exchange>@<id>` or `<source>@<id>`. */
  readonly name: string;
  readonly head: Transformation;
  /** The chain's operators (sinks included), upstream first. */
  readonly operators: readonly PlannedOperator[];
  /** The exchanges the chain ends in: the barrier goes on to them. */
  readonly outputs: TaskOutputs;
  /** The gate feeding the task; absent for a source's chain. */
  readonly gate?: InputGate<unknown>;
  /** Fed by a `keyBy`: its state is split by key group. */
  readonly keyed: boolean;
}

/** Name of the task fed by `exchange` (in every thread consuming it). */
export function gateTaskName(exchange: Exchange): string {
  return `${exchange.name}@${exchange.id}`;
}

/** Name of the task reading `source` (a parallel source's split in a worker). */
export function sourceTaskName(source: SourceTransformation): string {
  return `${source.name}@${source.id}`;
}

/**
 * The operators of the chain starting at `head` in a thread placed `here`: up to its exchanges.
 * A gate's chain gives the exchange it reads (`entry`), which is crossed: a gather exchange sits
 * between its `node` (in the subtasks) and the main thread's sinks.
 */
export function chainOperators(
  plan: PhysicalPlan,
  layout: ParallelLayout,
  head: Transformation,
  here: Placement,
  entry?: Exchange,
): PlannedOperator[] {
  const members = new Set<number>();
  const walk = (node: Transformation) => {
    for (const consumer of layout.consumersOf(node)) {
      const exchange = layout.exchangeOn(node, consumer);
      if (members.has(consumer.id) || (exchange && exchange !== entry)) continue;
      if (layout.placement(consumer) !== here) continue;
      members.add(consumer.id);
      walk(consumer);
    }
  };
  walk(head);
  return plan.operators.filter((planned) => members.has(planned.node.id));
}
