import type { FilterFunction } from '../../api/functions.ts';
import { BaseOperator } from './base-operator.ts';

export class FilterOperator<T> extends BaseOperator<T, T> {
  constructor(
    name: string,
    private readonly fn: FilterFunction<T>,
  ) {
    super(name);
  }

  processElement(value: T, timestamp: number): void {
    this.recordsIn++;
    if (this.fn(value)) this.emit(value, timestamp);
  }
}
