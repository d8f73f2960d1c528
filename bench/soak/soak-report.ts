/**
 * What `npm run soak` prints: progress lines, and the final summary as Markdown tables (pasted as
 * they are into notes). Pure: formatting only.
 */
import type { LatencySummary } from './latency-stats.ts';
import type { FlatnessVerdict, MemorySample } from './rss-flatness.ts';

/** A memory sample as the soak keeps it: Eddy's RSS and heap, and InfluxDB's RSS. */
export interface SoakMemorySample extends MemorySample {
  readonly heapTotalBytes?: number;
  /** V8 external memory (buffers), from Eddy's `/metrics`. */
  readonly externalBytes?: number;
  readonly influxdRssBytes?: number;
}

/** Everything a soak run reports (also the JSON written to `bench/results/soak-<date>.json`). */
export interface SoakResult {
  readonly startedAt: string;
  readonly options: Record<string, unknown>;
  /** Eddy flags the soak wanted but Eddy does not have yet (e.g. `--state-ttl`). */
  readonly missingFlags: readonly string[];
  /** The `eddy start` flags the soak added (besides ports, data dir and InfluxDB). */
  readonly eddyArgs: readonly string[];
  readonly publishedMs: number;
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  /** Messages the rate asked for but that were never sent (publisher held back). */
  readonly behind: number;
  readonly deviceIds: number;
  /** Readings Eddy's job took in (its `/api/health` recordsIn) by the end. */
  readonly recordsIn?: number;
  readonly deadLetters?: number;
  readonly lateRecords?: number;
  readonly toInflux: LatencySummary;
  readonly toAlert: LatencySummary & {
    readonly otherAlerts: number;
    readonly otherReasons: Record<string, number>;
    /** Missed spikes on a series that had an alert before (incident open or cooling down). */
    readonly missedInCooldown: number;
  };
  readonly memory: readonly SoakMemorySample[];
  readonly flatness: FlatnessVerdict;
}

const mib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? '-' : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
const clock = (atMs: number) => {
  const s = Math.round(atMs / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * A Markdown table with padded columns.
 *
 * @example
 * markdownTable(['a', 'b'], [['1', '22']]); // '| a | b  |\n|---|----|\n| 1 | 22 |'
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Values as a one-line chart, lowest `▁` to highest `█`.
 *
 * @example
 * sparkline([1, 2, 3, 4]); // '▁▃▆█'
 */
export function sparkline(values: readonly number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values
    .map((v) => bars[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (bars.length - 1))])
    .join('');
}

/**
 * One progress line.
 *
 * @example
 * progressLine({ atMs: 30_000, sent: 60000, acked: 59990, recordsIn: 59000, rssBytes: 2 ** 27 });
 * // '[0:30] sent 60000 acked 59990 eddy in 59000 RSS 128 MiB'
 */
export function progressLine(p: {
  atMs: number;
  sent: number;
  acked: number;
  behind?: number;
  recordsIn?: number;
  rssBytes?: number;
  heapUsedBytes?: number;
}): string {
  return [
    `[${clock(p.atMs)}] sent ${p.sent} acked ${p.acked}`,
    p.behind ? `behind ${p.behind}` : '',
    p.recordsIn === undefined ? '' : `eddy in ${p.recordsIn}`,
    p.rssBytes === undefined ? '' : `RSS ${mib(p.rssBytes)}`,
    p.heapUsedBytes === undefined ? '' : `heap ${mib(p.heapUsedBytes)}`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}

/** The final summary: throughput, latencies, memory over time and the verdict. */
export function formatSoakSummary(r: SoakResult): string {
  const seconds = r.publishedMs / 1000;
  const rate = (n: number) => `${(n / seconds).toFixed(0)}/s`;
  const throughput = markdownTable(
    ['published', 'acked', 'failed', 'behind', 'eddy readings in', 'dead letters', 'device ids'],
    [
      [
        `${r.sent} (${rate(r.sent)})`,
        `${r.acked} (${rate(r.acked)})`,
        String(r.failed),
        String(r.behind),
        r.recordsIn === undefined ? '-' : `${r.recordsIn} (${rate(r.recordsIn)})`,
        r.deadLetters === undefined ? '-' : String(r.deadLetters),
        String(r.deviceIds),
      ],
    ],
  );
  const latencyRow = (name: string, l: LatencySummary) => [
    name,
    String(l.sampled),
    String(l.seen),
    String(l.missed),
    ms(l.p50Ms),
    ms(l.p99Ms),
    ms(l.maxMs),
  ];
  const latency = markdownTable(
    ['latency', 'sampled', 'seen', 'missed', 'p50', 'p99', 'max'],
    [latencyRow('publish → InfluxDB predictions', r.toInflux), latencyRow('publish → MQTT alert', r.toAlert)],
  );
  // The first sample of each minute, and the last one.
  const perMinute = r.memory.filter(
    (s, i) =>
      i === 0 ||
      i === r.memory.length - 1 ||
      Math.floor(s.atMs / 60_000) !== Math.floor((r.memory[i - 1]?.atMs ?? 0) / 60_000),
  );
  const memory = markdownTable(
    ['time', 'eddy RSS', 'heap used', 'heap total', 'external', 'influxd RSS'],
    perMinute.map((s) => [
      clock(s.atMs),
      mib(s.rssBytes),
      mib(s.heapUsedBytes),
      mib(s.heapTotalBytes),
      mib(s.externalBytes),
      mib(s.influxdRssBytes),
    ]),
  );
  const f = r.flatness;
  const other = Object.entries(r.toAlert.otherReasons)
    .map(([k, v]) => `${v} × ${k}`)
    .join(', ');
  return [
    `eddy start ${r.eddyArgs.join(' ')}; ${r.sent} messages in ${seconds.toFixed(0)} s`,
    '',
    throughput,
    '',
    latency,
    r.toAlert.otherAlerts > 0 ? `alerts not from a spike: ${r.toAlert.otherAlerts} (${other})` : '',
    r.toAlert.missedInCooldown > 0
      ? `missed spikes on a series alerted on before (incident open or cooling down): ${r.toAlert.missedInCooldown} of ${r.toAlert.missed}`
      : '',
    '',
    `eddy RSS ${sparkline(r.memory.map((s) => s.rssBytes))} (${mib(Math.min(...r.memory.map((s) => s.rssBytes)))}–${mib(Math.max(...r.memory.map((s) => s.rssBytes)))}, every sample)`,
    memory,
    '',
    `RSS after ${clock(f.fromMs)}: median ${mib(f.middleMedianBytes)} then ${mib(f.lastMedianBytes)}, ` +
      `slope ${f.slopeBytesPerMin === null ? '-' : `${(f.slopeBytesPerMin / 2 ** 20).toFixed(1)} MiB/min`}`,
    r.missingFlags.length > 0
      ? `note: eddy start has no ${r.missingFlags.join(', ')} yet: run without it`
      : '',
    `verdict: ${f.verdict.toUpperCase()}: ${f.reason}`,
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
}
