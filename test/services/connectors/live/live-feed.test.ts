import { describe, expect, it } from 'vitest';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';

describe('LiveFeed', () => {
  it('keeps each type in a ring of its own, so a chatty type does not push another out', () => {
    const feed = new LiveFeed({ capacity: 3 });
    feed.publish('aggregate', 'a1');
    feed.publish('aggregate', 'a2');
    for (let i = 0; i < 50; i++) feed.publish('prediction', `p${i}`);
    expect(feed.recent({ type: 'aggregate' }).map((e) => e.data)).toEqual(['a1', 'a2']);
    expect(feed.recent({ type: 'prediction' }).map((e) => e.data)).toEqual(['p47', 'p48', 'p49']);
  });

  it('merges every type in sequence order without a type, honouring afterSeq and limit', () => {
    const feed = new LiveFeed({ capacity: 2 });
    feed.publish('aggregate', 'a1'); // seq 1
    feed.publish('prediction', 'p1'); // seq 2
    feed.publish('aggregate', 'a2'); // seq 3
    feed.publish('prediction', 'p2'); // seq 4
    feed.publish('prediction', 'p3'); // seq 5: p1 falls out of its ring
    expect(feed.recent().map((e) => e.seq)).toEqual([1, 3, 4, 5]);
    expect(feed.recent({ afterSeq: 3 }).map((e) => e.data)).toEqual(['p2', 'p3']);
    expect(feed.recent({ limit: 1 }).map((e) => e.data)).toEqual(['p3']);
    expect(feed.lastSeq).toBe(5);
  });

  it('broadcasts every event to its listeners until they unsubscribe', () => {
    const feed = new LiveFeed();
    const seen: string[] = [];
    const stop = feed.subscribe((e) => seen.push(`${e.type}:${String(e.data)}`));
    feed.publish('aggregate', 1);
    stop();
    feed.publish('aggregate', 2);
    expect(seen).toEqual(['aggregate:1']);
    expect(feed.listenerCount).toBe(0);
  });
});
