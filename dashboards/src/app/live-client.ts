import type { LiveClient, LiveEvent } from './page.ts';

/** Connection state of the live feed, shown in the header (`#live-state[data-state]`). */
export type LiveState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The part of `EventSource` the client uses (a fake in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

/** Options of {@link SseLiveClient}. */
export interface SseLiveClientOptions {
  /** Default `/api/live`. */
  readonly url?: string;
  /** Opens the stream; default `new EventSource(url)`. */
  readonly open?: (url: string) => EventSourceLike;
  /** Wait before opening again a stream the server refused (ms). Default 5 s. */
  readonly retryMs?: number;
  readonly onState?: (state: LiveState, detail?: string) => void;
}

interface Subscription {
  readonly types: ReadonlySet<string>;
  readonly listener: (event: LiveEvent) => void;
}

const CLOSED = 2;

/**
 * The shell's {@link LiveClient}: one EventSource on `/api/live?types=<union of subscribed types>`.
 * Subscriptions made in the same tick are gathered into one (re)connection; when the union changes
 * the stream is opened again with `after=<last seq seen>`, so nothing is missed. EventSource itself
 * reconnects with `Last-Event-ID`; a stream the server refused is opened again after `retryMs`.
 *
 * @example
 * const live = new SseLiveClient({ onState: (s) => (badge.dataset.state = s) });
 * const stop = live.subscribe(['anomaly'], (event) => console.log(event.seq, event.data));
 */
export class SseLiveClient implements LiveClient {
  private readonly subscriptions = new Set<Subscription>();
  private source: EventSourceLike | undefined;
  private openTypes = '';
  private lastSeq: number | undefined;
  private syncQueued = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly url: string;
  private readonly open: (url: string) => EventSourceLike;
  private readonly retryMs: number;

  constructor(private readonly options: SseLiveClientOptions = {}) {
    this.url = options.url ?? '/api/live';
    this.open = options.open ?? ((url) => new EventSource(url));
    this.retryMs = options.retryMs ?? 5_000;
  }

  subscribe(types: readonly string[], listener: (event: LiveEvent) => void): () => void {
    const subscription: Subscription = { types: new Set(types), listener };
    this.subscriptions.add(subscription);
    this.queueSync();
    return () => {
      if (this.subscriptions.delete(subscription)) this.queueSync();
    };
  }

  /** The event types the open stream carries, comma-separated (empty when closed). */
  get streamTypes(): string {
    return this.openTypes;
  }

  /** Closes the stream and forgets every subscription. */
  close(): void {
    this.subscriptions.clear();
    this.reconnect('');
  }

  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      const union = new Set<string>();
      for (const { types } of this.subscriptions) for (const type of types) union.add(type);
      const wanted = [...union].sort().join(',');
      if (wanted !== this.openTypes) this.reconnect(wanted);
    });
  }

  private reconnect(types: string): void {
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
    this.openTypes = types;
    if (types === '') {
      this.options.onState?.('idle');
      return;
    }
    const params = new URLSearchParams({ types });
    if (this.lastSeq !== undefined) params.set('after', String(this.lastSeq));
    const source = this.open(`${this.url}?${params}`);
    this.source = source;
    this.options.onState?.('connecting');
    source.addEventListener('open', () => this.options.onState?.('live'));
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      if (source.readyState !== CLOSED) {
        this.options.onState?.('reconnecting');
        return;
      }
      this.options.onState?.('offline', 'the live stream was refused');
      this.retryTimer = setTimeout(() => {
        if (this.source === source) this.reconnect(types);
      }, this.retryMs);
    });
    for (const type of types.split(',')) {
      source.addEventListener(type, (event) => this.dispatch(type, event as MessageEvent<string>));
    }
  }

  private dispatch(type: string, message: MessageEvent<string>): void {
    const seq = Number(message.lastEventId);
    if (Number.isFinite(seq) && message.lastEventId !== '') this.lastSeq = seq;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const event: LiveEvent = { type, seq, data };
    for (const subscription of [...this.subscriptions]) {
      if (subscription.types.has(type)) subscription.listener(event);
    }
  }
}
