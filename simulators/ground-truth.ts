/** The kinds of anomaly the simulator injects. */
export type AnomalyKind = 'spike' | 'level_shift' | 'stuck' | 'dropout';

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'level_shift', 'stuck', 'dropout'];

/**
 * One injected anomaly: the ground truth a detector is scored against. Times are event time,
 * epoch ms, `[start, end)`. `metric` is null for a dropout (the whole device goes silent).
 *
 * - `spike`: the one reading at `start` is off by a large amount (`end` is `start + 1`).
 * - `level_shift`: every reading of `metric` in the interval is offset by the same amount.
 * - `stuck`: every reading of `metric` in the interval repeats the value of the first one.
 * - `dropout`: the device publishes nothing in the interval.
 */
export interface AnomalyLabel {
  readonly device: string;
  readonly metric: string | null;
  readonly kind: AnomalyKind;
  readonly start: number;
  readonly end: number;
}

/**
 * One JSONL line (with its newline), keys in the documented order.
 *
 * @example
 * groundTruthLine({ device: 'sim-0001', metric: null, kind: 'dropout', start: 0, end: 5000 });
 * // '{"device":"sim-0001","metric":null,"kind":"dropout","start":0,"end":5000}\n'
 */
export function groundTruthLine(label: AnomalyLabel): string {
  const { device, metric, kind, start, end } = label;
  return JSON.stringify({ device, metric, kind, start, end }) + '\n';
}

/** Parses a ground-truth JSONL text (blank lines ignored); throws naming the first bad line. */
export function parseGroundTruth(text: string): AnomalyLabel[] {
  const labels: AnomalyLabel[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`ground truth line ${index + 1} is not JSON: ${(error as Error).message}`);
    }
    if (!isAnomalyLabel(value)) {
      throw new Error(
        `ground truth line ${index + 1} is not {"device","metric","kind","start","end"}: ${line.slice(0, 200)}`,
      );
    }
    labels.push(value);
  });
  return labels;
}

export function isAnomalyLabel(value: unknown): value is AnomalyLabel {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.device === 'string' &&
    (v.metric === null || typeof v.metric === 'string') &&
    ANOMALY_KINDS.includes(v.kind as AnomalyKind) &&
    Number.isFinite(v.start) &&
    Number.isFinite(v.end) &&
    (v.start as number) < (v.end as number)
  );
}
