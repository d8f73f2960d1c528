/**
 * Names a side output: a second stream an operator can emit to besides its main output (late
 * records of a window, alerts of a process function). Typed by what it carries; identified by `id`,
 * so two tags with the same id are the same output.
 *
 * @example
 * const late = new OutputTag<Reading>('late-readings');
 * const windowed = keyed.window(windows).sideOutputLateData(late).aggregate(stats);
 * windowed.getSideOutput(late).sinkTo(lateSink);
 */
export class OutputTag<T> {
  /** Only carries `T` for type checking; never set. */
  declare readonly __type?: T;

  constructor(readonly id: string) {
    if (id.length === 0) throw new Error('an output tag needs a non-empty id');
  }

  toString(): string {
    return `OutputTag(${this.id})`;
  }
}
