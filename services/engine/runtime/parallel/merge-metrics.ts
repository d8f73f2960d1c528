import type { OperatorMetrics } from '../stream-operator.ts';
import type { SubtaskMetrics } from './control-messages.ts';

const SUMMED = [
  'recordsIn',
  'recordsOut',
  'lateRecordsDropped',
  'stateKeys',
  'stateEntries',
  'keysExpired',
  'stateBytes',
] as const;

/**
 * One entry per operator of the plan, in plan order: the main thread's operators as they are, a
 * subtask operator's counters summed over its subtasks (its watermark is their minimum, the
 * slowest subtask's). Other counters an operator reports are taken from its first subtask.
 */
export function mergeOperatorMetrics(
  main: readonly { node: number; metrics: OperatorMetrics }[],
  subtasks: readonly SubtaskMetrics[],
): OperatorMetrics[] {
  const byNode = new Map<number, OperatorMetrics[]>();
  for (const { node, metrics } of main) byNode.set(node, [metrics]);
  for (const subtask of subtasks) {
    subtask.operators.forEach((metrics, i) => {
      const node = subtask.nodes[i]!;
      const list = byNode.get(node) ?? [];
      list.push(metrics);
      byNode.set(node, list);
    });
  }
  return [...byNode.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, instances]) => {
      if (instances.length === 1) return instances[0]!;
      const merged: Record<string, unknown> = { ...instances[0]! };
      for (const field of SUMMED) {
        if (instances[0]![field] === undefined) continue;
        merged[field] = instances.reduce((sum, m) => sum + (m[field] ?? 0), 0);
      }
      merged.watermark = Math.min(...instances.map((m) => m.watermark));
      return merged as unknown as OperatorMetrics;
    });
}
