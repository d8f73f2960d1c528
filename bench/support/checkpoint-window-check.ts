import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import type { Sink } from '../../services/engine/api/sink.ts';

/**
 * A sink that checks the windows of the checkpoint benchmark as they fire: after `rounds * keys`
 * readings ({@link checkpointBenchReading}) every device's one window holds the values
 * 0…rounds-1 once each. {@link verdict} names the first mismatch, or says all `keys` windows fit.
 */
export class WindowCountCheck implements Sink<unknown> {
  readonly name = 'window-check';
  windows = 0;
  private mismatch: string | undefined;
  private readonly devices = new Set<string>();

  constructor(
    private readonly keys: number,
    private readonly rounds: number,
  ) {}

  async open(): Promise<void> {}

  write(record: unknown): void {
    const w = record as WindowAggregate;
    this.windows++;
    this.devices.add(w.device);
    if (this.mismatch !== undefined) return;
    const mean = (this.rounds - 1) / 2;
    if (
      w.count !== this.rounds ||
      Math.abs(w.mean - mean) > 1e-9 ||
      w.min !== 0 ||
      w.max !== this.rounds - 1
    ) {
      this.mismatch =
        `${w.device}: count ${w.count} mean ${w.mean} min ${w.min} max ${w.max}, ` +
        `expected count ${this.rounds} mean ${mean} min 0 max ${this.rounds - 1}`;
    }
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}

  /** `undefined` when every one of `keys` devices fired one window with the expected statistics. */
  verdict(): string | undefined {
    if (this.mismatch !== undefined) return this.mismatch;
    if (this.windows !== this.keys || this.devices.size !== this.keys) {
      return `${this.windows} windows of ${this.devices.size} devices fired, expected one for each of ${this.keys}`;
    }
    return undefined;
  }
}
