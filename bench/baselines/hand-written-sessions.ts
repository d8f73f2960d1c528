import type { BenchReading } from '../data/synthetic-readings.ts';

interface Session {
  start: number;
  end: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The session-window baseline as a careful programmer writes it: per key its open sessions
 * (usually one) as `[first record, last record + gap)`; a record extends the sessions its own
 * `[ts, ts + gap)` touches, merging them if it bridges two; a session is emitted once the
 * watermark passes its end. Same window rules as the engine (`TimeWindow.intersects`).
 * Returns the number of sessions emitted.
 */
export function handWrittenSessions(
  readings: readonly BenchReading[],
  gapMs: number,
  boundMs: number,
): number {
  const open = new Map<string, Session[]>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let emitted = 0;
  /** A lower bound of the earliest `end - 1` of the open sessions (ends only grow). */
  let nextDue = Number.POSITIVE_INFINITY;

  const sweep = (watermark: number) => {
    nextDue = Number.POSITIVE_INFINITY;
    for (const list of open.values()) {
      for (let i = list.length - 1; i >= 0; i--) {
        const due = list[i]!.end - 1;
        if (due <= watermark) {
          emitted++;
          list.splice(i, 1);
        } else if (due < nextDue) {
          nextDue = due;
        }
      }
    }
  };

  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const start = r.ts;
    const end = r.ts + gapMs;
    let list = open.get(r.key);
    if (list === undefined) {
      list = [];
      open.set(r.key, list);
    }
    let session: Session | undefined;
    for (let j = list.length - 1; j >= 0; j--) {
      const s = list[j]!;
      if (!(s.start <= end && s.end >= start)) continue;
      if (session === undefined) {
        session = s;
        continue;
      }
      // The record bridges two sessions: fold `s` into `session`.
      session.start = Math.min(session.start, s.start);
      session.end = Math.max(session.end, s.end);
      session.count += s.count;
      session.sum += s.sum;
      session.min = Math.min(session.min, s.min);
      session.max = Math.max(session.max, s.max);
      list.splice(j, 1);
    }
    if (session === undefined) {
      session = {
        start,
        end,
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      };
      list.push(session);
      if (end - 1 < nextDue) nextDue = end - 1;
    }
    if (start < session.start) session.start = start;
    if (end > session.end) session.end = end;
    session.count++;
    session.sum += r.value;
    if (r.value < session.min) session.min = r.value;
    if (r.value > session.max) session.max = r.value;
    if (r.ts > maxTs) maxTs = r.ts;
    if ((i & 1023) === 1023) {
      const watermark = maxTs - boundMs - 1;
      if (watermark >= nextDue) sweep(watermark);
    }
  }
  sweep(Number.MAX_SAFE_INTEGER);
  return emitted;
}
