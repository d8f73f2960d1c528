import type { Sink, SinkContext } from '../../engine/api/sink.ts';

/** One event on the live feed (Server-Sent Events `event:` name and JSON `data:`). */
export interface LiveEvent<T = unknown> {
  /** Event kind, e.g. `aggregate`; later `prediction`, `anomaly`. */
  readonly type: string;
  /** Monotonic sequence number, the SSE `id:` (lets a reconnecting browser resume). */
  readonly seq: number;
  readonly data: T;
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * The in-process live feed: keeps the most recent events of each type in a bounded ring of its own
 * (so a page that opens late still draws something, and a chatty type such as `prediction` cannot
 * push the `aggregate` history out) and broadcasts every new one to its listeners (the SSE route).
 *
 * @example
 * const feed = new LiveFeed({ capacity: 2 });
 * feed.publish('aggregate', { device: 'a' });
 * feed.recent().length; // 1
 */
export class LiveFeed {
  private readonly capacity: number;
  private readonly rings = new Map<string, LiveEvent[]>();
  private readonly listeners = new Set<LiveListener>();
  private seq = 0;

  /** `capacity`: events kept per type (default 5,000). */
  constructor(options: { capacity?: number } = {}) {
    this.capacity = options.capacity ?? 5_000;
    if (!(this.capacity > 0)) throw new RangeError('live feed capacity must be > 0');
  }

  publish<T>(type: string, data: T): LiveEvent<T> {
    const event: LiveEvent<T> = { type, seq: ++this.seq, data };
    let ring = this.rings.get(type);
    if (ring === undefined) {
      ring = [];
      this.rings.set(type, ring);
    }
    ring.push(event);
    if (ring.length > this.capacity * 2) ring.splice(0, ring.length - this.capacity); // amortised trim
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * Events still kept, oldest first; only those with `seq > afterSeq` and of `type` when given;
   * at most the last `limit` (default: all kept). Without `type`, every type's kept events merged in `seq` order.
   */
  recent(options: { type?: string; afterSeq?: number; limit?: number } = {}): LiveEvent[] {
    const { type, afterSeq = 0, limit = Number.POSITIVE_INFINITY } = options;
    const kept = (ring: readonly LiveEvent[]) => ring.slice(Math.max(0, ring.length - this.capacity));
    let events: LiveEvent[];
    if (type !== undefined) events = kept(this.rings.get(type) ?? []);
    else {
      events = [];
      for (const ring of this.rings.values()) events.push(...kept(ring));
      events.sort((a, b) => a.seq - b.seq);
    }
    const matching = events.filter((e) => e.seq > afterSeq);
    return matching.slice(Math.max(0, matching.length - limit));
  }

  /** The `seq` of the newest event published (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** A sink that publishes every record of a stream as events of `type`. */
  sink<T>(type: string, name = `live-feed:${type}`): Sink<T> {
    return {
      name,
      open: async (_ctx: SinkContext) => {},
      write: (record: T) => {
        this.publish(type, record);
      },
      flush: async () => {},
      close: async () => {},
    };
  }
}
