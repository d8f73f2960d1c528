import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type EventSourceLike,
  type LiveState,
  SseLiveClient,
} from '../../../dashboards/src/app/live-client.ts';
import type { LiveEvent } from '../../../dashboards/src/app/page.ts';

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, seq: number, data: unknown): void {
    for (const l of this.listeners.get(type) ?? [])
      l({ lastEventId: String(seq), data: JSON.stringify(data) } as unknown as Event);
  }
  fire(type: 'open' | 'error'): void {
    for (const l of this.listeners.get(type) ?? []) l({} as Event);
  }
}

function client() {
  const opened: FakeEventSource[] = [];
  const states: LiveState[] = [];
  const live = new SseLiveClient({
    open: (url) => {
      const source = new FakeEventSource(url);
      opened.push(source);
      return source;
    },
    retryMs: 5,
    onState: (state) => states.push(state),
  });
  return { live, opened, states };
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('SseLiveClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens one stream for the union of the types subscribed in the same tick', async () => {
    const { live, opened } = client();
    const a: LiveEvent[] = [];
    const b: LiveEvent[] = [];
    live.subscribe(['anomaly'], (e) => a.push(e));
    live.subscribe(['aggregate', 'anomaly'], (e) => b.push(e));
    await tick();
    expect(opened.map((s) => s.url)).toEqual(['/api/live?types=aggregate%2Canomaly']);
    opened[0]!.emit('anomaly', 3, { device: 'd1' });
    opened[0]!.emit('aggregate', 4, { mean: 1 });
    expect(a).toEqual([{ type: 'anomaly', seq: 3, data: { device: 'd1' } }]);
    expect(b.map((e) => e.seq)).toEqual([3, 4]);
  });

  it('opens the stream again from the last seq when the union changes, and closes it when nobody listens', async () => {
    const { live, opened, states } = client();
    const stopAnomaly = live.subscribe(['anomaly'], () => {});
    await tick();
    opened[0]!.fire('open');
    opened[0]!.emit('anomaly', 41, {});
    stopAnomaly();
    const stopModel = live.subscribe(['model_metrics'], () => {});
    await tick();
    expect(opened[0]!.closed).toBe(true);
    expect(opened[1]!.url).toBe('/api/live?types=model_metrics&after=41');
    stopModel();
    await tick();
    expect(opened[1]!.closed).toBe(true);
    expect(live.streamTypes).toBe('');
    expect(states).toEqual(['connecting', 'live', 'connecting', 'idle']);
  });

  it('keeps the stream when the union stays the same', async () => {
    const { live, opened } = client();
    const stop = live.subscribe(['anomaly'], () => {});
    await tick();
    stop();
    live.subscribe(['anomaly'], () => {});
    await tick();
    expect(opened).toHaveLength(1);
    expect(opened[0]!.closed).toBe(false);
  });

  it('lets EventSource reconnect by itself, and opens a refused stream again after retryMs', async () => {
    vi.useFakeTimers();
    const { live, opened, states } = client();
    live.subscribe(['anomaly'], () => {});
    await tick();
    opened[0]!.emit('anomaly', 7, {});
    opened[0]!.fire('error'); // still CONNECTING: the browser retries with Last-Event-ID
    expect(states.at(-1)).toBe('reconnecting');
    expect(opened).toHaveLength(1);
    opened[0]!.readyState = 2;
    opened[0]!.fire('error');
    expect(states.at(-1)).toBe('offline');
    vi.advanceTimersByTime(4);
    expect(opened).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(opened[1]!.url).toBe('/api/live?types=anomaly&after=7');
    live.close();
  });

  it('skips events whose data is not JSON', async () => {
    const { live, opened } = client();
    const seen: LiveEvent[] = [];
    live.subscribe(['anomaly'], (e) => seen.push(e));
    await tick();
    const source = opened[0]!;
    (source as unknown as { listeners: Map<string, ((e: Event) => void)[]> }).listeners.get('anomaly')![0]!({
      lastEventId: '1',
      data: '{oops',
    } as unknown as Event);
    expect(seen).toEqual([]);
  });
});
