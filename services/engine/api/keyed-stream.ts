import type { Transformation } from '../graph/transformation.ts';
import type { WindowAssigner } from '../windows/assigners/window-assigner.ts';
import type { Key, KeySelector } from './functions.ts';
import type { StreamEnvironment } from './stream-environment.ts';
import { WindowedStream } from './windowed-stream.ts';

/** A stream partitioned by key; keyed operations (windows, keyed state) hang off it. */
export class KeyedStream<T, K extends Key> {
  constructor(
    readonly env: StreamEnvironment,
    readonly transformation: Transformation,
    readonly keySelector: KeySelector<T, K>,
  ) {}

  window(assigner: WindowAssigner<T>): WindowedStream<T, K> {
    return new WindowedStream<T, K>(this, assigner);
  }
}
