import type { ServerResponse } from 'node:http';
import type { LiveEvent } from '../../connectors/live/live-feed.ts';

/** Options of {@link SseConnection}. */
export interface SseConnectionOptions {
  /**
   * Most bytes that may wait in this client's send buffer. A client that reads slower than events
   * arrive is dropped past this (its browser reconnects with `Last-Event-ID` and replays from the
   * feed's ring) rather than growing the server's memory. Default 4 MiB.
   */
  readonly maxBufferedBytes?: number;
  /** Reconnection delay the browser should use, sent as `retry:`. Default 2000 ms. */
  readonly retryMs?: number;
  /** Called once if the client is dropped for being too slow. */
  readonly onOverflow?: (bufferedBytes: number) => void;
}

/**
 * One Server-Sent Events stream over a raw Node response: writes the headers, frames events as
 * `id:` / `event:` / `data:` lines, and keeps the per-client send buffer bounded. Never throws from
 * {@link sendEvent}, so a broken client cannot break the publisher that calls it.
 *
 * @example
 * const sse = new SseConnection(reply.raw, { maxBufferedBytes: 1 << 20 });
 * sse.open();
 * sse.sendEvent({ type: 'aggregate', seq: 7, data: { device: 'a' } });
 * // id: 7\nevent: aggregate\ndata: {"device":"a"}\n\n
 */
export class SseConnection {
  private readonly maxBufferedBytes: number;
  private readonly retryMs: number;
  private readonly onOverflow: ((bufferedBytes: number) => void) | undefined;
  private ended = false;
  private closeListeners: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    options: SseConnectionOptions = {},
  ) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.retryMs = options.retryMs ?? 2_000;
    this.onOverflow = options.onOverflow;
    if (!(this.maxBufferedBytes > 0)) throw new RangeError('maxBufferedBytes must be > 0');
    res.once('close', () => this.markClosed());
  }

  /**
   * Runs `callback` once when the stream closes for any reason: the client left, it was dropped for
   * being too slow (synchronously, inside the write that overflowed), or {@link close} was called.
   * Runs it at once if the stream is already closed.
   */
  onClose(callback: () => void): void {
    if (this.closed) {
      this.markClosed();
      callback();
    } else {
      this.closeListeners.push(callback);
    }
  }

  /** True once the client went away, was dropped, or {@link close} was called. */
  get closed(): boolean {
    return this.ended || this.res.destroyed;
  }

  /** Sends the status line and headers, then the `retry:` hint (which also flushes the headers). */
  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${this.retryMs}\n\n`);
  }

  /**
   * Sends one live-feed event; returns false if the connection is closed (or just got dropped).
   * An event whose data cannot be serialised (a cycle, a BigInt) is skipped.
   */
  sendEvent(event: LiveEvent): boolean {
    let text: string;
    try {
      text = formatSseEvent(event);
    } catch {
      return !this.closed;
    }
    return this.write(text);
  }

  /** Sends a comment line (`: text`), which browsers ignore: used as a heartbeat through proxies. */
  sendComment(text: string): boolean {
    return this.write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  /** Ends the stream politely (the browser will reconnect after `retry` ms). */
  close(): void {
    if (this.closed) return;
    this.res.end();
    this.markClosed();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    try {
      this.res.write(chunk);
    } catch {
      this.drop();
      return false;
    }
    const buffered = this.res.writableLength;
    if (buffered > this.maxBufferedBytes) {
      this.drop();
      this.onOverflow?.(buffered);
      return false;
    }
    return true;
  }

  private drop(): void {
    this.res.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    this.ended = true;
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const listener of listeners) listener();
  }
}

/**
 * Frames one event as Server-Sent Events text. `data` is JSON (which never holds a raw newline);
 * a type with a line break would corrupt the stream, so line breaks in it become spaces.
 */
export function formatSseEvent(event: LiveEvent): string {
  const type = event.type.replace(/[\r\n]+/g, ' ');
  return `id: ${event.seq}\nevent: ${type}\ndata: ${JSON.stringify(event.data) ?? 'null'}\n\n`;
}
