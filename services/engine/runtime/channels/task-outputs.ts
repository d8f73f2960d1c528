import type { ExchangeOutput } from './exchange-output.ts';

/** The status side of a task's exchange outputs: idleness, barriers and end go to all of them. */
export interface TaskStatusOutput {
  markIdle(): void;
  markActive(): void;
  end(): void;
  /** Checkpoint barrier `checkpointId` to every exchange the task feeds (after all it sent before). */
  emitBarrier?(checkpointId: number): void;
}

/**
 * Every exchange output a task's chain feeds. Records and watermarks reach them through the
 * chain's operators; idleness, checkpoint barriers and end are the task's own and go to all of them directly (the
 * operators between have nothing to add).
 */
export class TaskOutputs implements TaskStatusOutput {
  private ended = false;

  constructor(readonly outputs: readonly ExchangeOutput<unknown>[]) {}

  markIdle(): void {
    for (const output of this.outputs) output.markIdle();
  }

  markActive(): void {
    for (const output of this.outputs) output.markActive();
  }

  emitBarrier(checkpointId: number): void {
    for (const output of this.outputs) output.emitBarrier(checkpointId);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const output of this.outputs) output.end();
  }
}
