import type { Sink } from '../../api/sink.ts';
import type { Source } from '../../api/source.ts';

/**
 * Stands for a source that runs elsewhere: in a worker, for a main-thread source (only the plan's
 * shape matters there); in the main thread, for a parallel source (its splits run in the workers).
 * The runtime never opens it; opening it is a bug, and says so.
 */
export function standInSource<T>(name: string, where: string): Source<T> {
  const refuse = async (): Promise<void> => {
    throw new Error(`source "${name}" runs ${where}; this stand-in must never be opened`);
  };
  return { name, open: refuse, close: async () => {}, pause() {}, resume() {} };
}

/** Stands for a sink that runs in the main thread, in a worker's copy of the plan. */
export function standInSink<T>(name: string): Sink<T> {
  const refuse = (): never => {
    throw new Error(`sink "${name}" runs in the main thread; this stand-in in a worker must never be used`);
  };
  return {
    name,
    open: async () => refuse(),
    write: refuse,
    flush: async () => {},
    close: async () => {},
  };
}
