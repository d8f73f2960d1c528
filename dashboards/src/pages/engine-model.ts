import type { JobReport } from '../../../services/api/schemas/jobs.ts';

/** A checkpoint as `GET /api/checkpoints` lists it (the fields the engine page reads). */
export interface CheckpointRow {
  readonly id: number;
  readonly kind: 'checkpoint' | 'savepoint' | null;
  readonly status: 'complete' | 'corrupt' | 'incomplete';
  readonly createdAt: number | null;
  readonly durationMs: number | null;
  readonly bytes: number;
}

/** One poll of a job: when, and how many records it had taken in. */
export interface ThroughputSample {
  readonly at: number;
  readonly recordsIn: number;
}

/**
 * Records in per second between two polls; `undefined` when it cannot be told (no time passed, or
 * the counter went back: the job restarted).
 *
 * @example
 * throughput({ at: 0, recordsIn: 100 }, { at: 2_000, recordsIn: 300 }); // 100
 */
export function throughput(previous: ThroughputSample, next: ThroughputSample): number | undefined {
  const seconds = (next.at - previous.at) / 1000;
  if (!(seconds > 0) || next.recordsIn < previous.recordsIn) return undefined;
  return (next.recordsIn - previous.recordsIn) / seconds;
}

/**
 * A source's label in charts: its name, with its subtask when it is a parallel split.
 *
 * @example
 * sourceLabel({ name: 'readings', subtask: 1 }); // 'readings #1'
 */
export function sourceLabel(source: Pick<JobReport['sources'][number], 'name' | 'subtask'>): string {
  return source.subtask === null ? source.name : `${source.name} #${source.subtask}`;
}

/** Complete checkpoints, oldest first, at most `limit` of the newest: what the checkpoint chart draws. */
export interface CheckpointBars {
  readonly ids: string[];
  readonly durationsMs: number[];
  readonly sizesKiB: number[];
}

/**
 * The bars of the checkpoint chart: the newest `limit` complete checkpoints (savepoints marked `sp`).
 *
 * @example
 * checkpointBars([{ id: 2, kind: 'checkpoint', status: 'complete', createdAt: 0, durationMs: 30, bytes: 2048 }]);
 * // { ids: ['2'], durationsMs: [30], sizesKiB: [2] }
 */
export function checkpointBars(rows: readonly CheckpointRow[], limit = 30): CheckpointBars {
  const complete = rows
    .filter((row) => row.status === 'complete')
    .sort((a, b) => a.id - b.id)
    .slice(-limit);
  return {
    ids: complete.map((row) => (row.kind === 'savepoint' ? `${row.id} sp` : String(row.id))),
    durationsMs: complete.map((row) => row.durationMs ?? 0),
    sizesKiB: complete.map((row) => Math.round((row.bytes / 1024) * 10) / 10),
  };
}

/**
 * Appends `point` to a bounded series in place (the oldest points go first).
 *
 * @example
 * const s: [number, number][] = []; pushBounded(s, [1, 2], 100); // s = [[1, 2]]
 */
export function pushBounded<T>(series: T[], point: T, max: number): void {
  series.push(point);
  if (series.length > max) series.splice(0, series.length - max);
}
