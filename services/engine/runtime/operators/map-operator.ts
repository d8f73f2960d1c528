import type { MapFunction } from '../../api/functions.ts';
import { BaseOperator } from './base-operator.ts';

export class MapOperator<IN, OUT> extends BaseOperator<IN, OUT> {
  constructor(
    name: string,
    private readonly fn: MapFunction<IN, OUT>,
  ) {
    super(name);
  }

  processElement(value: IN, timestamp: number): void {
    this.recordsIn++;
    this.emit(this.fn(value), timestamp);
  }
}
