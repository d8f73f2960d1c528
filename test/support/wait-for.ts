import type { EventEmitter } from 'node:events';

/** How {@link waitFor} polls. */
export interface WaitForOptions {
  /** Give up after this long (default 5 s). */
  readonly timeoutMs?: number;
  /** Pause between checks (default 20 ms). */
  readonly intervalMs?: number;
  /** What was awaited, for the error: `timed out after 5000 ms waiting for <message>`. */
  readonly message?: string;
}

/**
 * Resolves as soon as `check()` returns (or resolves to) `true`; rejects after `timeoutMs` with
 * `message`. An exception thrown by `check` rejects at once. For conditions that have no event to
 * wait on (a row in InfluxDB, a port that opens); prefer {@link onceEvent} when there is one.
 *
 * @example
 * await waitFor(async () => (await queryInflux(url, db, 'SELECT * FROM m')).length === 3, {
 *   timeoutMs: 10_000,
 *   message: '3 points in measurement m',
 * });
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const { timeoutMs = 5_000, intervalMs = 20, message = 'a condition' } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, intervalMs));
  }
}

/**
 * Resolves with the arguments of the next `name` event of `source` (a Node `EventEmitter`, or a typed
 * one such as mqtt.js's `MqttClient`); rejects if `timeoutMs` passes first, or if the emitter emits
 * `error` meanwhile (unless `name` is `error`).
 *
 * @example
 * const [topic, payload] = await onceEvent<[string, Buffer]>(client, 'message', 5_000);
 */
export function onceEvent<T extends unknown[] = unknown[]>(
  source: object,
  name: string,
  timeoutMs = 5_000,
): Promise<T> {
  const emitter = asEventEmitter(source);
  return new Promise<T>((resolveEvent, reject) => {
    const onEvent = (...args: unknown[]) => {
      cleanup();
      resolveEvent(args as T);
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(
        error instanceof Error ? error : new Error(`"error" event while waiting for "${name}": ${error}`),
      );
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for event "${name}"`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(name, onEvent);
      if (name !== 'error') emitter.off('error', onError);
    };
    emitter.on(name, onEvent);
    if (name !== 'error') emitter.on('error', onError);
  });
}

/** Typed emitters (mqtt.js) do not fit `EventEmitter`'s signatures, so the shape is checked at run time. */
function asEventEmitter(source: object): EventEmitter {
  const candidate = source as Partial<EventEmitter>;
  if (typeof candidate.on !== 'function' || typeof candidate.off !== 'function') {
    throw new TypeError('onceEvent needs an event emitter (an object with on() and off())');
  }
  return source as EventEmitter;
}
