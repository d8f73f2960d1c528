import type { FlatMapFunction } from '../../api/functions.ts';
import { BaseOperator } from './base-operator.ts';

export class FlatMapOperator<IN, OUT> extends BaseOperator<IN, OUT> {
  private timestamp = 0;
  /** One collector for the operator's lifetime: no closure allocated per record. */
  private readonly collector = (value: OUT) => this.emit(value, this.timestamp);

  constructor(
    name: string,
    private readonly fn: FlatMapFunction<IN, OUT>,
  ) {
    super(name);
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    this.timestamp = timestamp;
    this.fn(value, this.collector);
  }
}
