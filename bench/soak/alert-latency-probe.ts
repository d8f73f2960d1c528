/**
 * Publish → alert latency: a subscriber on `alerts/#` matches each alert to the spike that caused
 * it (same device, metric and timestamp); alerts that match no spike (a retired device's dropout,
 * say) are counted apart.
 */
import type { MqttClient } from 'mqtt';
import { type LatencySummary, summarizeLatencies } from './latency-stats.ts';

const OTHER_EXAMPLES = 5;

/** An alert as far as matching goes (the JSON on `alerts/<deviceId>`). */
interface AlertFields {
  readonly device?: unknown;
  readonly metric?: unknown;
  readonly ts?: unknown;
  readonly reason?: unknown;
}

/**
 * Matches alerts to injected spikes.
 *
 * @example
 * const alerts = await AlertLatencyProbe.subscribe(client, 30_000);
 * publisher.onSpike = (device, metric, ts, at) => alerts.expect(device, metric, ts, at);
 * // ... await alerts.drain(); alerts.summary();
 */
export class AlertLatencyProbe {
  private readonly pending = new Map<string, number>();
  private readonly latencies: number[] = [];
  private missed = 0;
  private other = 0;
  private readonly otherReasons = new Map<string, number>();
  /** The first alerts that matched no spike, as received. */
  private readonly otherExamples: string[] = [];
  /** Series (`device|metric`) that had an alert from no spike: an incident open or cooling down. */
  private readonly alertedSeries = new Set<string>();
  /** Missed spikes on such a series: the detector's cool-down, not a lost alert. */
  private missedInCooldown = 0;
  /** The first missed spikes (`device|metric|ts`). */
  private readonly missedExamples: string[] = [];

  private constructor(private readonly missAfterMs: number) {}

  /** Subscribes `client` to `alerts/#` (QoS 1) and starts matching. */
  static async subscribe(client: MqttClient, missAfterMs: number): Promise<AlertLatencyProbe> {
    const probe = new AlertLatencyProbe(missAfterMs);
    client.on('message', (topic, payload) => {
      if (topic.startsWith('alerts/')) probe.onAlert(payload.toString('utf8'));
    });
    await client.subscribeAsync('alerts/#', { qos: 1 });
    return probe;
  }

  expect(device: string, metric: string, ts: number, publishedAt: number): void {
    this.pending.set(`${device}|${metric}|${ts}`, publishedAt);
  }

  /** Waits until each spike was alerted on or missed. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) {
      this.expire();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  summary(): LatencySummary & {
    readonly otherAlerts: number;
    readonly otherReasons: Record<string, number>;
    readonly otherExamples: readonly string[];
    readonly missedInCooldown: number;
    readonly missedExamples: readonly string[];
  } {
    this.expire();
    return {
      ...summarizeLatencies(this.latencies, this.missed),
      otherExamples: this.otherExamples,
      missedInCooldown: this.missedInCooldown,
      missedExamples: this.missedExamples,
      otherAlerts: this.other,
      otherReasons: Object.fromEntries(this.otherReasons),
    };
  }

  private onAlert(text: string): void {
    const seenAt = Date.now();
    let alert: AlertFields;
    try {
      alert = JSON.parse(text) as AlertFields;
    } catch {
      alert = {};
    }
    const key = `${String(alert.device)}|${String(alert.metric)}|${String(alert.ts)}`;
    const publishedAt = this.pending.get(key);
    if (publishedAt !== undefined) {
      this.pending.delete(key);
      this.latencies.push(seenAt - publishedAt);
      return;
    }
    this.other++;
    if (this.otherExamples.length < OTHER_EXAMPLES) this.otherExamples.push(text);
    this.alertedSeries.add(`${String(alert.device)}|${String(alert.metric)}`);
    // "dropout: no reading for 12.3 s ..." → "dropout": the member of the detector set that fired.
    const kind =
      String(alert.reason ?? 'no reason')
        .split(':')[0]
        ?.trim() || 'other';
    this.otherReasons.set(kind, (this.otherReasons.get(kind) ?? 0) + 1);
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, publishedAt] of this.pending) {
      if (now - publishedAt < this.missAfterMs) break;
      this.pending.delete(key);
      this.missed++;
      if (this.alertedSeries.has(key.slice(0, key.lastIndexOf('|')))) this.missedInCooldown++;
      if (this.missedExamples.length < OTHER_EXAMPLES) this.missedExamples.push(key);
    }
  }
}
