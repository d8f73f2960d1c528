import type { PartitionTransformation, Transformation } from './transformation.ts';

/** Where a node runs at parallelism > 1: once in the main thread, or once per subtask (worker). */
export type Placement = 'main' | 'subtasks';

/**
 * An edge of the plan that crosses from one task to another, through channels:
 * - `hash`: a `keyBy`; each record goes to the subtask owning its key group. `node` is the partition.
 * - `gather`: results of the subtasks back to the main thread (where sinks run). `node` is the
 *   producing node; its main-thread consumers (sinks) share one channel per subtask.
 */
export interface Exchange {
  /** The id of `node` (one exchange per node). */
  readonly id: number;
  readonly kind: 'hash' | 'gather';
  readonly node: Transformation;
  /** For metrics: `key-by`, or `window(10s)→sink`. */
  readonly name: string;
  readonly from: Placement;
  readonly to: Placement;
}

/** Where each node of a job runs, and the exchanges between the parts. */
export interface ParallelLayout {
  readonly parallelism: number;
  placement(node: Transformation): Placement;
  readonly exchanges: readonly Exchange[];
  /** The exchange the edge `node → consumer` crosses, if it crosses one. */
  exchangeOn(node: Transformation, consumer: Transformation): Exchange | undefined;
  /** The exchanges a task starting at `head` feeds (walking its chain: forward edges and side outputs). */
  exchangesFrom(head: Transformation): readonly Exchange[];
  /** Nodes consuming `node` (side outputs included). */
  consumersOf(node: Transformation): readonly Transformation[];
}

/**
 * Decides which nodes run where at parallelism > 1 (Flink's slot-sharing, simplified to threads):
 *
 * - Sources run in the main thread, where the objects they read from live (the embedded broker,
 *   an MQTT client, memory). A parallel source (`fromParallelSource`) runs one split per subtask.
 * - Everything after a `keyBy` runs in the subtasks, one instance per worker thread, chained
 *   (direct calls) until the next exchange.
 * - Sinks run in the main thread (the live feed, the InfluxDB client and test sinks live there);
 *   results of the subtasks come back through a `gather` exchange.
 * - A non-keyed step runs where its input runs.
 *
 * @example
 * // source → filter → keyBy → window → sink
 * // main: source, filter ─hash→ subtasks: window ─gather→ main: sink
 */
export function planLayout(transformations: readonly Transformation[], parallelism: number): ParallelLayout {
  const consumers = new Map<number, Transformation[]>();
  for (const node of transformations) {
    if (node.kind === 'source') continue;
    const list = consumers.get(node.input.id) ?? [];
    list.push(node);
    consumers.set(node.input.id, list);
  }
  const consumersOf = (node: Transformation) => consumers.get(node.id) ?? [];

  const placements = new Map<number, Placement>();
  const placement = (node: Transformation): Placement => {
    const known = placements.get(node.id);
    if (known) return known;
    let placed: Placement;
    if (node.kind === 'source') placed = node.createSplit && parallelism > 1 ? 'subtasks' : 'main';
    else if (node.kind === 'sink') placed = 'main';
    else if (node.kind === 'partition') placed = parallelism > 1 ? 'subtasks' : placement(node.input);
    else placed = placement(node.input);
    placements.set(node.id, placed);
    return placed;
  };

  const exchanges = new Map<number, Exchange>();
  const exchangeOn = (node: Transformation, consumer: Transformation): Exchange | undefined => {
    if (parallelism === 1) return undefined;
    if (consumer.kind === 'partition') return hashExchange(consumer);
    if (placement(node) === 'subtasks' && placement(consumer) === 'main') return gatherExchange(node);
    return undefined;
  };
  const hashExchange = (partition: PartitionTransformation): Exchange => {
    let exchange = exchanges.get(partition.id);
    if (!exchange) {
      exchange = {
        id: partition.id,
        kind: 'hash',
        node: partition,
        name: partition.name,
        from: placement(partition.input),
        to: 'subtasks',
      };
      exchanges.set(partition.id, exchange);
    }
    return exchange;
  };
  const gatherExchange = (node: Transformation): Exchange => {
    let exchange = exchanges.get(node.id);
    if (!exchange) {
      const sinks = consumersOf(node).filter((c) => placement(c) === 'main');
      exchange = {
        id: node.id,
        kind: 'gather',
        node,
        name: `${node.name}→${sinks.map((s) => s.name).join('+')}`,
        from: 'subtasks',
        to: 'main',
      };
      exchanges.set(node.id, exchange);
    }
    return exchange;
  };
  // Discover every exchange up front, in plan order (the same order in every thread).
  for (const node of transformations) for (const consumer of consumersOf(node)) exchangeOn(node, consumer);

  const exchangesFrom = (head: Transformation): Exchange[] => {
    const found: Exchange[] = [];
    const walk = (node: Transformation) => {
      for (const consumer of consumersOf(node)) {
        const exchange = exchangeOn(node, consumer);
        if (exchange) {
          if (!found.includes(exchange)) found.push(exchange);
        } else walk(consumer);
      }
    };
    walk(head);
    return found;
  };

  const ordered = [...exchanges.values()].sort((a, b) => a.id - b.id);
  return { parallelism, placement, exchanges: ordered, exchangeOn, exchangesFrom, consumersOf };
}

/**
 * A fingerprint of the logical plan: two threads that built the same job get the same string.
 * Source and sink names are left out (a bound one is named differently in a worker's stand-in).
 */
export function planFingerprint(transformations: readonly Transformation[]): string {
  return transformations
    .map((node) => {
      const name = node.kind === 'source' || node.kind === 'sink' ? '' : `:${node.name}`;
      return `${node.id}:${node.kind}${name}${'input' in node ? `<${node.input.id}` : ''}`;
    })
    .join('|');
}
