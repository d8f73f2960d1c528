/**
 * Publish → InfluxDB latency: the probes' readings are looked up in `predictions` (one point per
 * reading, written as soon as the reading is processed) by polling InfluxDB's `/query` for the
 * probes' points since the oldest one still awaited: one cheap query per poll.
 */
import { PROBE_PREFIX } from './device-rotation.ts';
import { type LatencySummary, summarizeLatencies } from './latency-stats.ts';

/** Where to poll. */
export interface PredictionProbeOptions {
  /** InfluxDB base URL, e.g. `http://127.0.0.1:8086`. */
  readonly influxUrl: string;
  readonly database: string;
  /** A reading not seen within this is missed. */
  readonly missAfterMs: number;
  /** Time between polls (the measurement's resolution). Default 250 ms. */
  readonly pollMs?: number;
}

const MISSED_EXAMPLES = 10;

interface InfluxQueryResponse {
  results?: { series?: { values?: [number, number | null, string][] }[]; error?: string }[];
  error?: string;
}

/**
 * Follows probe readings into InfluxDB.
 *
 * @example
 * const probe = new PredictionLatencyProbe({ influxUrl, database: 'eddy', missAfterMs: 30_000 });
 * probe.start(); publisher.onProbe = (device, ts, at) => probe.expect(device, ts, at);
 * // ... await probe.drain(); probe.summary(); // { sampled, seen, missed, p50Ms, p99Ms, maxMs }
 */
export class PredictionLatencyProbe {
  /** `device|ts` → publish time, oldest first (insertion order). */
  private readonly pending = new Map<string, { ts: number; publishedAt: number }>();
  private readonly latencies: number[] = [];
  private missed = 0;
  /** The first missed readings (`device|ts`), for a look in InfluxDB. */
  private readonly missedExamples: string[] = [];
  private polls = 0;
  private pollErrors = 0;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly options: PredictionProbeOptions) {}

  expect(device: string, ts: number, publishedAt: number): void {
    this.pending.set(`${device}|${ts}`, { ts, publishedAt });
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 250);
  }

  /** Polls until nothing is awaited (each awaited reading seen or missed), then stops. */
  async drain(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.pending.size > 0) {
      await this.poll();
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 250));
    }
  }

  summary(): LatencySummary & {
    readonly polls: number;
    readonly pollErrors: number;
    readonly lastError?: string;
    readonly missedExamples: readonly string[];
  } {
    return {
      ...summarizeLatencies(this.latencies, this.missed),
      missedExamples: this.missedExamples,
      polls: this.polls,
      pollErrors: this.pollErrors,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Awaited readings right now. */
  get awaiting(): number {
    return this.pending.size;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = Date.now();
      for (const [key, { publishedAt }] of this.pending) {
        if (now - publishedAt < this.options.missAfterMs) break;
        this.pending.delete(key);
        this.missed++;
        if (this.missedExamples.length < MISSED_EXAMPLES) this.missedExamples.push(key);
      }
      const oldest = this.pending.values().next().value;
      if (!oldest) return;
      const q =
        `SELECT "value", "device" FROM "predictions" WHERE "device" =~ /^${PROBE_PREFIX}/ ` +
        `AND time >= ${oldest.ts}ms`;
      const url = `${this.options.influxUrl}/query?db=${encodeURIComponent(this.options.database)}&epoch=ms&q=${encodeURIComponent(q)}`;
      this.polls++;
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as InfluxQueryResponse;
      const error = body.error ?? body.results?.[0]?.error;
      if (!response.ok || error) throw new Error(error ?? `HTTP ${response.status}`);
      const seenAt = Date.now();
      for (const series of body.results?.[0]?.series ?? []) {
        for (const [time, , device] of series.values ?? []) {
          const key = `${device}|${time}`;
          const hit = this.pending.get(key);
          if (!hit) continue;
          this.pending.delete(key);
          this.latencies.push(seenAt - hit.publishedAt);
        }
      }
    } catch (error) {
      this.pollErrors++;
      this.lastError = (error as Error).message;
    } finally {
      this.polling = false;
    }
  }
}
