/**
 * A duration in ms as a short label: `10s`, `1m`, `1h30m`, `250ms` (InfluxDB's duration style).
 *
 * @example
 * durationLabel(10_000); // '10s'
 * durationLabel(90_000); // '1m30s'
 */
export function durationLabel(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`not a positive duration: ${ms}`);
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ];
  let rest = ms;
  let label = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      label += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return label;
}

/**
 * Parses `250ms`, `10s`, `5m`, `1h`, `1d` (and combinations like `1m30s`) into ms.
 * Throws a message naming the input when it is not a duration.
 */
export function parseDuration(text: string): number {
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  const factor: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const trimmed = text.trim();
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * factor[match[2]!]!;
    consumed = pattern.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    throw new Error(`"${text}" is not a duration: write it like 500ms, 10s, 5m, 1h or 1d`);
  }
  return total;
}
