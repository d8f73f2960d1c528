import { describe, expect, it } from 'vitest';
import { AckLedger } from '../../../../services/connectors/mqtt/ack-ledger.ts';

const CLIENT = 'eddy-ingest-0';

/** A ledger that took messages 1..n (fingerprints `fp<id>`) for the first time. */
function ledgerWith(n: number): AckLedger {
  const ledger = new AckLedger(CLIENT);
  for (let id = 1; id <= n; id++) expect(ledger.receive(id, false, `fp${id}`)).toBe('deliver');
  return ledger;
}

const ids = (ledger: AckLedger, checkpointId: number) =>
  ledger.snapshot(checkpointId).messages.map(([id]) => id);

describe('AckLedger', () => {
  it('holds PUBACKs until the covering checkpoint completes, earlier incomplete ones included', () => {
    const ledger = ledgerWith(2);
    expect(ledger.unacknowledged).toBe(2);
    expect(ledger.snapshot(1)).toEqual({
      format: 'eddy.mqtt-source/1',
      clientId: CLIENT,
      messages: [
        [1, 'fp1'],
        [2, 'fp2'],
      ],
    });
    expect(ledger.receive(3, false, 'fp3')).toBe('deliver');
    // Checkpoint 2 holds the messages of 1 (not complete yet) as well as its own.
    expect(ids(ledger, 2)).toEqual([1, 2, 3]);
    expect(ledger.receive(4, false, 'fp4')).toBe('deliver'); // pending: in no checkpoint yet
    expect(ledger.complete(1, true)).toEqual([1, 2]);
    expect(ledger.complete(2, true)).toEqual([3]);
    expect(ledger.complete(2, true)).toEqual([]);
    expect(ledger.stats()).toEqual({ awaitingCheckpoint: 1, awaitingRedelivery: 0, redeliveriesDropped: 0 });
  });

  it("acknowledges an aborted checkpoint's messages with the next one that completes", () => {
    const ledger = ledgerWith(2);
    ledger.snapshot(1); // then aborted: nothing happens
    ledger.receive(3, false, 'fp3');
    ledger.snapshot(2);
    expect(ledger.complete(2, true)).toEqual([1, 2, 3]);
  });

  it('completing a later checkpoint first acknowledges the earlier ones too (out-of-order notifications)', () => {
    const ledger = ledgerWith(1);
    ledger.snapshot(1);
    ledger.receive(2, false, 'fp2');
    ledger.snapshot(2);
    expect(ledger.complete(2, true)).toEqual([1, 2]);
    expect(ledger.complete(1, true)).toEqual([]);
  });

  it('refuses checkpoint ids that do not increase', () => {
    const ledger = ledgerWith(1);
    ledger.snapshot(5);
    expect(() => ledger.snapshot(5)).toThrow('checkpoint ids must increase: got 5 after 5');
  });

  it('drops redeliveries (after a reconnection) of messages the job already has, acknowledging none', () => {
    const ledger = ledgerWith(2);
    ledger.snapshot(1);
    ledger.receive(3, false, 'fp3');
    expect(ledger.connected(true)).toBe(0);
    expect(ledger.receive(1, true, 'fp1')).toBe('drop');
    expect(ledger.receive(3, true, 'fp3')).toBe('drop');
    expect(ledger.stats().redeliveriesDropped).toBe(2);
    expect(ledger.complete(1, true)).toEqual([1, 2]); // still acknowledged by their checkpoint
  });

  it('after a restore, acknowledges and drops the redelivered messages of the restored state, delivers the rest', () => {
    const before = ledgerWith(3);
    const state = before.snapshot(7);
    before.receive(4, false, 'fp4'); // after checkpoint 7: lost with the crash

    const after = new AckLedger(CLIENT);
    after.restore(state);
    expect(after.stats().awaitingRedelivery).toBe(3);
    after.connected(true);
    expect(after.receive(1, true, 'fp1')).toBe('ack');
    expect(after.receive(2, true, 'fp2')).toBe('ack');
    expect(after.receive(3, true, 'fp3')).toBe('ack');
    expect(after.receive(4, true, 'fp4')).toBe('deliver');
    expect(after.stats()).toEqual({ awaitingCheckpoint: 1, awaitingRedelivery: 0, redeliveriesDropped: 3 });
  });

  it('tells a reused packet id from a redelivery: new DUP 0 message, or DUP 1 with another fingerprint', () => {
    // Checkpoint 7 completed and its PUBACKs went out before the crash: the broker reused id 1 for
    // a new message (DUP 0 when first sent) and id 2 for one it sent before the crash (DUP 1 now).
    const before = ledgerWith(3);
    const state = before.snapshot(7);
    const after = new AckLedger(CLIENT);
    after.restore(state);
    after.connected(true);
    expect(after.receive(1, false, 'fp1')).toBe('deliver'); // same content, but a first delivery
    expect(after.receive(2, true, 'other')).toBe('deliver');
    expect(after.receive(2, true, 'other')).toBe('drop'); // now it is the pending message 2
    expect(after.receive(3, true, 'fp3')).toBe('ack');
  });

  it('keeps acknowledged entries until a PINGRESP of a later round confirms them, and in snapshots meanwhile', () => {
    const ledger = ledgerWith(2);
    ledger.snapshot(1);
    expect(ledger.complete(1, true)).toEqual([1, 2]);
    expect(ledger.hasUnconfirmed()).toBe(true);
    // The PUBACKs may be lost with the connection: a redelivery is acknowledged again, not delivered.
    expect(ledger.receive(1, true, 'fp1')).toBe('ack');
    expect(ids(ledger, 2)).toEqual([1, 2]);
    const round = ledger.closeRound();
    ledger.confirm(round);
    expect(ledger.hasUnconfirmed()).toBe(false);
    expect(ids(ledger, 3)).toEqual([]);
  });

  it('a PINGRESP of an earlier round does not confirm later PUBACKs', () => {
    const ledger = ledgerWith(2);
    ledger.snapshot(1);
    const early = ledger.closeRound(); // e.g. a keep-alive ping sent before the PUBACKs
    ledger.complete(1, true);
    ledger.confirm(early);
    expect(ledger.hasUnconfirmed()).toBe(true);
  });

  it('a checkpoint completed while disconnected is acknowledged when the broker redelivers', () => {
    const ledger = ledgerWith(2);
    ledger.snapshot(1);
    expect(ledger.complete(1, false)).toEqual([]);
    expect(ledger.stats().awaitingRedelivery).toBe(2);
    ledger.connected(true);
    expect(ledger.receive(1, true, 'fp1')).toBe('ack');
    expect(ledger.receive(2, true, 'fp2')).toBe('ack');
  });

  it('forgets every packet id when the broker lost the session, and says how many', () => {
    const ledger = ledgerWith(3);
    ledger.snapshot(1);
    expect(ledger.connected(false)).toBe(3);
    expect(ledger.unacknowledged).toBe(0);
    expect(ledger.receive(1, false, 'fp1')).toBe('deliver'); // the id means a new message now
    expect(ledger.complete(1, true)).toEqual([]);
  });

  describe('acknowledging a completed checkpoint in slices', () => {
    it('hands out the PUBACKs a slice at a time; a PINGREQ between slices confirms only those written before it', () => {
      const ledger = ledgerWith(5);
      ledger.snapshot(1);
      expect(ledger.markCompleted(1, true)).toBe(5);
      expect(ledger.unacknowledged).toBe(5); // still held: none written yet
      expect(ledger.takeCompleted(2)).toEqual([1, 2]);
      const round = ledger.closeRound(); // a PINGREQ goes out between two slices
      expect(ledger.takeCompleted(2)).toEqual([3, 4]);
      ledger.confirm(round); // its PINGRESP: the broker processed PUBACKs 1 and 2 only
      expect(ids(ledger, 2)).toEqual([3, 4, 5]);
      expect(ledger.unacknowledged).toBe(1);
      expect(ledger.takeCompleted(2)).toEqual([5]);
      expect(ledger.takeCompleted(2)).toEqual([]);
      expect(ledger.unacknowledged).toBe(0);
    });

    it('after a disconnection in the middle, the unwritten ones wait for their redelivery, which is acknowledged', () => {
      const ledger = ledgerWith(3);
      ledger.snapshot(1);
      ledger.markCompleted(1, true);
      expect(ledger.takeCompleted(1)).toEqual([1]);
      // the connection drops; the session is back
      expect(ledger.connected(true)).toBe(0);
      expect(ledger.takeCompleted(10)).toEqual([]);
      expect(ledger.receive(2, true, 'fp2')).toBe('ack'); // redelivered: in a completed checkpoint
      expect(ledger.receive(3, false, 'fp9')).toBe('deliver'); // id 3 reused: a new message
    });

    it('not connected: the messages wait for their redelivery, nothing is handed out', () => {
      const ledger = ledgerWith(2);
      ledger.snapshot(1);
      expect(ledger.markCompleted(1, false)).toBe(0);
      expect(ledger.takeCompleted(10)).toEqual([]);
      expect(ledger.stats()).toMatchObject({ awaitingRedelivery: 2 });
    });
  });
});
