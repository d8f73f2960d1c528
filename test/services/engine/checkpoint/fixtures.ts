import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type {
  CheckpointCompletion,
  TaskSnapshot,
  TaskStateHandle,
} from '../../../../services/engine/checkpoint/checkpoint-types.ts';

/** A fresh temporary directory and its removal. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-checkpoint-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A pino logger whose lines are kept as parsed objects. */
export function capturingLogger() {
  const lines: { level: number; msg: string; [field: string]: unknown }[] = [];
  const logger = pino(
    { level: 'debug', base: undefined },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40) };
}

/** Keyed state like a window operator's: per key group, keys with per-window accumulators. */
export function windowState(group: number, keysPerGroup = 2) {
  return Array.from({ length: keysPerGroup }, (_, i) => ({
    key: `device-${group}-${i}/temperature`,
    states: {
      acc: [[1_700_000_000_000 + i, { count: group + i, sum: group * 1.5, min: -Infinity, max: Number.NaN }]],
    },
  }));
}

/** A task snapshot with one window operator holding `groups` and a source-like operator state. */
export function taskSnapshot(groups: readonly number[], overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    task: 'window-agg',
    subtask: 0,
    keyGroupRange: { start: Math.min(...groups), end: Math.max(...groups) },
    operators: [
      {
        uid: 'window-1',
        kind: 'window',
        shape: { states: { acc: 'aggregating' }, assigner: 'tumbling(10s)', aggregates: ['count', 'mean'] },
        keyGroups: new Map(groups.map((g) => [g, windowState(g)])),
        operatorState: { watermark: 1_700_000_000_000 },
        keys: groups.length * 2,
      },
    ],
    ...overrides,
  };
}

/** What the coordinator would pass to `complete`. */
export function completion(
  id: number,
  tasks: readonly TaskStateHandle[],
  parallelism = 1,
): CheckpointCompletion {
  return {
    id,
    durationMs: 42,
    job: { name: 'test-job', fingerprint: 'abc123' },
    maxParallelism: 128,
    parallelism,
    tasks,
    sources: { offsets: [1, 2] },
  };
}

export const ALL_GROUPS = Array.from({ length: 128 }, (_, g) => g);
