import type { WindowAggregate } from '../../../services/domain/window-aggregate.ts';
import { isDrawableAggregate } from './series-store.ts';

/** Connection state, mirrored in the chart's `data-state` attribute. */
export type StreamState = 'loading' | 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Callbacks of {@link streamAggregates}. */
export interface AggregateStreamHandlers {
  /** A batch of aggregates (the recent history first, then one per live event). */
  onAggregates(aggregates: readonly WindowAggregate[]): void;
  onState(state: StreamState, detail?: string): void;
}

/**
 * Loads the recent aggregates from `/api/aggregates/recent`, then follows `/api/live` (EventSource)
 * from the returned `seq`, so nothing is missed or drawn twice. EventSource reconnects by itself with
 * `Last-Event-ID`; if the server refuses the stream, everything starts again after `retryMs`.
 *
 * @example
 * const stop = streamAggregates({ onAggregates: (a) => a.forEach((x) => store.add(x)), onState: console.log });
 */
export function streamAggregates(handlers: AggregateStreamHandlers, retryMs = 5_000): () => void {
  let source: EventSource | undefined;
  let timer: number | undefined;
  let stopped = false;

  const retryLater = (detail: string) => {
    handlers.onState('offline', detail);
    source?.close();
    source = undefined;
    if (!stopped) timer = window.setTimeout(start, retryMs);
  };

  async function start(): Promise<void> {
    handlers.onState('loading');
    let seq: number;
    try {
      const res = await fetch('/api/aggregates/recent?limit=5000', { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { seq?: unknown; aggregates?: unknown };
      seq = typeof body.seq === 'number' ? body.seq : 0;
      const aggregates = Array.isArray(body.aggregates) ? body.aggregates.filter(isDrawableAggregate) : [];
      handlers.onAggregates(aggregates);
    } catch (error) {
      retryLater(`could not load recent aggregates (${String(error)})`);
      return;
    }
    if (stopped) return;

    handlers.onState('connecting');
    source = new EventSource(`/api/live?types=aggregate&after=${seq}`);
    source.addEventListener('open', () => handlers.onState('live'));
    source.addEventListener('aggregate', (event) => {
      const data = parseJson((event as MessageEvent<string>).data);
      if (isDrawableAggregate(data)) handlers.onAggregates([data]);
    });
    source.addEventListener('error', () => {
      if (source?.readyState === EventSource.CLOSED) retryLater('the live stream was refused');
      else handlers.onState('reconnecting');
    });
  }

  void start();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    source?.close();
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
