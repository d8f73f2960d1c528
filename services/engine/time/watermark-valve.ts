import { MIN_WATERMARK } from './watermark.ts';

/** What a valve tells its task: the combined watermark advanced, or the combined status changed. */
export interface ValveListener {
  onWatermark(watermark: number): void;
  /** `true` when every input is idle or ended (the task is idle), `false` when one is active again. */
  onIdleChange(idle: boolean): void;
}

const ACTIVE = 0;
const IDLE = 1;
const ENDED = 2;

/**
 * Combines the watermarks of a task's inputs (Flink's `StatusWatermarkValve`): the task's watermark
 * is the minimum over its *active* inputs, and never goes back.
 *
 * - An input marked idle (its source saw no record for the idleness timeout) stops holding the
 *   watermark back; it counts again from its next record (`markActive`).
 * - An input whose watermark is behind the task's (it was idle, then woke up) is *unaligned*: it is
 *   left out of the minimum until it catches up, so it cannot stall the others; its records may be late.
 * - When every input is idle, the task is idle and its watermark moves to the highest watermark of
 *   its idle inputs (so event time still ends when everything went quiet).
 * - An ended input never counts again.
 *
 * @example
 * const out: number[] = [];
 * const valve = new WatermarkValve(2, { onWatermark: (w) => out.push(w), onIdleChange() {} });
 * valve.inputWatermark(0, 10); // out = [] (input 1 is still at -inf)
 * valve.inputWatermark(1, 7);  // out = [7]
 * valve.markIdle(1);           // out = [7, 10]
 */
export class WatermarkValve {
  private readonly watermarks: Float64Array;
  private readonly status: Uint8Array;
  private current = MIN_WATERMARK;
  private idle = false;
  private activeInputs: number;
  private endedInputs = 0;

  constructor(
    readonly inputs: number,
    private readonly listener: ValveListener,
  ) {
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new RangeError(`a valve needs >= 1 input, got ${inputs}`);
    this.watermarks = new Float64Array(inputs).fill(MIN_WATERMARK);
    this.status = new Uint8Array(inputs);
    this.activeInputs = inputs;
  }

  /** The task's watermark so far. */
  get watermark(): number {
    return this.current;
  }

  get isIdle(): boolean {
    return this.idle;
  }

  /** True once every input ended. */
  get ended(): boolean {
    return this.endedInputs === this.inputs;
  }

  inputWatermark(input: number, watermark: number): void {
    if (this.status[input] === ENDED || !(watermark > this.watermarks[input]!)) return;
    this.watermarks[input] = watermark;
    if (this.status[input] === ACTIVE) this.advance();
    else if (this.idle) this.advanceIdle();
  }

  markIdle(input: number): void {
    if (this.status[input] !== ACTIVE) return;
    this.status[input] = IDLE;
    this.activeInputs--;
    this.settle();
  }

  markActive(input: number): void {
    if (this.status[input] !== IDLE) return;
    this.status[input] = ACTIVE;
    this.activeInputs++;
    if (this.idle) {
      this.idle = false;
      this.listener.onIdleChange(false);
    }
  }

  /** The input sent its last element: it no longer holds the watermark back. */
  markEnded(input: number): void {
    const status = this.status[input];
    if (status === ENDED) return;
    if (status === ACTIVE) this.activeInputs--;
    this.status[input] = ENDED;
    this.endedInputs++;
    this.settle();
  }

  private settle(): void {
    if (this.activeInputs > 0) {
      this.advance();
      return;
    }
    if (!this.idle && this.endedInputs < this.inputs) {
      this.idle = true;
      this.advanceIdle();
      this.listener.onIdleChange(true);
    }
  }

  /** Minimum over active, aligned inputs. */
  private advance(): void {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.inputs; i++) {
      if (this.status[i] !== ACTIVE) continue;
      const watermark = this.watermarks[i]!;
      if (watermark >= this.current && watermark < min) min = watermark;
    }
    if (min !== Number.POSITIVE_INFINITY && min > this.current) this.emit(min);
  }

  /** Every input idle (or ended): follow the highest idle watermark. */
  private advanceIdle(): void {
    let max = MIN_WATERMARK;
    for (let i = 0; i < this.inputs; i++) {
      if (this.status[i] === IDLE && this.watermarks[i]! > max) max = this.watermarks[i]!;
    }
    if (max > this.current) this.emit(max);
  }

  private emit(watermark: number): void {
    this.current = watermark;
    this.listener.onWatermark(watermark);
  }
}
