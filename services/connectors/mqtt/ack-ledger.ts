/**
 * What {@link AckLedger.receive} decides for a QoS 1 message:
 * - `deliver`: a message the job has not seen: hand it to the job, hold its PUBACK.
 * - `drop`: a redelivery of a message the job already has, whose checkpoint has not completed:
 *   neither deliver nor acknowledge it (the checkpoint's completion will).
 * - `ack`: a redelivery of a message already in a completed (or restored) checkpoint: acknowledge
 *   it now and do not deliver it.
 */
export type AckDecision = 'deliver' | 'drop' | 'ack';

/** The source's part of a checkpoint (see {@link AckLedger.snapshot}). Plain data. */
export interface MqttSourceCheckpoint {
  readonly format: typeof MQTT_SOURCE_CHECKPOINT_FORMAT;
  /** Packet ids belong to one session: the client id whose session they are in. */
  readonly clientId: string;
  /**
   * `[packetId, fingerprint]` of every message in this checkpoint's state (or an earlier one's)
   * whose PUBACK the broker may not have processed: the broker may still redeliver these.
   */
  readonly messages: readonly (readonly [number, string])[];
}

export const MQTT_SOURCE_CHECKPOINT_FORMAT = 'eddy.mqtt-source/1';

type EntryKind =
  /** In the job, in no checkpoint yet. */
  | 'pending'
  /** In checkpoint `checkpointId`'s state, which has not completed. */
  | 'covered'
  /** In a completed (or restored) checkpoint; no PUBACK sent on the current connection. */
  | 'durable'
  /** In a completed checkpoint; its PUBACK is to be written on this connection (`takeCompleted`). */
  | 'completed'
  /** PUBACK written in round `round`; not yet known to have been processed by the broker. */
  | 'acknowledged';

interface Entry {
  kind: EntryKind;
  readonly fingerprint: string;
  checkpointId: number;
  round: number;
}

/** Counters of an {@link AckLedger}. */
export interface AckLedgerStats {
  /** Messages in the job whose checkpoint has not completed yet (their PUBACKs are held). */
  readonly awaitingCheckpoint: number;
  /**
   * Messages in a completed checkpoint whose PUBACK is not written yet: disconnected, restored, or
   * waiting for its slice (see `CheckpointAcks`).
   */
  readonly awaitingRedelivery: number;
  /** Redeliveries of messages the job already had, dropped (not delivered twice). */
  readonly redeliveriesDropped: number;
}

/**
 * The bookkeeping of ack-on-checkpoint, without any I/O: which QoS 1 messages (by MQTT packet id)
 * are in the job, which checkpoint covers them, which were acknowledged. Pure, so every transition
 * is unit-tested; {@link CheckpointAcks} wires it to mqtt.js.
 *
 * A packet id identifies a message only while the broker waits for its PUBACK: the broker assigns
 * "a currently unused" id to every new QoS 1 PUBLISH and may reuse it once it processed the PUBACK
 * (MQTT 3.1.1 [MQTT-2.3.1-2], [MQTT-2.3.1-3] applied to the Server by [MQTT-2.3.1-4]; MQTT 5
 * [MQTT-2.2.1-4]); it resends unacknowledged ones on reconnection to the same session with their
 * original ids ([MQTT-4.4.0-1] in both) and the DUP flag set ([MQTT-3.3.1-1]); a new message has
 * DUP 0. So while the ledger holds a PUBACK back, a PUBLISH with that id can only be the same message.
 * Once a PUBACK *may* have been processed (it was written, or a restored checkpoint completed and
 * may have been acknowledged before a crash) the id may already belong to a new message, which the
 * broker would also resend with DUP 1 if it was in flight at the crash. Hence a redelivery matches
 * an entry only with DUP set *and* the same fingerprint (a hash of topic and payload); anything else
 * with a known id means the id was freed, and the message is new. An acknowledged entry is
 * forgotten once a PINGRESP answers a PINGREQ sent after its PUBACK (the broker handles one
 * connection's packets in order, and after a reconnection resends its unacknowledged messages
 * right after the CONNACK, before it answers a later PINGREQ, as Mosquitto does), or when its id
 * is reused. Residual risk: a new message reusing the id of a possibly acknowledged one, sent
 * before a crash, with exactly the same topic and payload, would be taken for its redelivery.
 *
 * @example
 * const ledger = new AckLedger('eddy-1');
 * ledger.receive(7, false, 'fp7');        // 'deliver'
 * ledger.snapshot(1).messages;            // [[7, 'fp7']]
 * ledger.complete(1, true);               // [7]: send PUBACK 7 now
 */
export class AckLedger {
  private readonly entries = new Map<number, Entry>();
  private openRound = 1;
  private lastSnapshot = 0;
  private awaiting = 0;
  private durable = 0;
  private dropped = 0;

  constructor(readonly clientId: string) {}

  /** Decides what to do with a QoS 1 PUBLISH (`dup`: its DUP flag). */
  receive(packetId: number, dup: boolean, fingerprint: string): AckDecision {
    const entry = this.entries.get(packetId);
    if (entry !== undefined && dup && entry.fingerprint === fingerprint) {
      this.dropped++;
      if (entry.kind === 'pending' || entry.kind === 'covered') return 'drop';
      this.setKind(entry, 'acknowledged');
      entry.round = this.openRound;
      return 'ack';
    }
    if (entry !== undefined) this.forget(packetId, entry); // the id was freed: a new message
    const pending: Entry = { kind: 'pending', fingerprint, checkpointId: 0, round: 0 };
    this.entries.set(packetId, pending);
    this.awaiting++;
    return 'deliver';
  }

  /**
   * Checkpoint `checkpointId` is taken: pending messages become covered by it. Returns every
   * message whose PUBACK the broker may not have processed, covered by this checkpoint or an earlier one.
   */
  snapshot(checkpointId: number): MqttSourceCheckpoint {
    if (!(checkpointId > this.lastSnapshot)) {
      throw new RangeError(
        `checkpoint ids must increase: got ${checkpointId} after ${this.lastSnapshot} (MQTT source ${this.clientId})`,
      );
    }
    this.lastSnapshot = checkpointId;
    const messages: (readonly [number, string])[] = [];
    for (const [packetId, entry] of this.entries) {
      if (entry.kind === 'pending') {
        entry.kind = 'covered';
        entry.checkpointId = checkpointId;
      }
      messages.push([packetId, entry.fingerprint]);
    }
    return { format: MQTT_SOURCE_CHECKPOINT_FORMAT, clientId: this.clientId, messages };
  }

  /**
   * Checkpoint `checkpointId` completed: returns the packet ids to acknowledge now (covered by it or
   * an earlier one). When not `connected` none is returned: they wait for their redelivery.
   */
  complete(checkpointId: number, connected: boolean): number[] {
    this.markCompleted(checkpointId, connected);
    return this.takeCompleted(Number.POSITIVE_INFINITY);
  }

  /**
   * Checkpoint `checkpointId` completed: the messages it (or an earlier one) covers are to be
   * acknowledged, a slice at a time with {@link takeCompleted}; when not `connected` they wait for
   * their redelivery instead. Returns how many wait to be acknowledged.
   */
  markCompleted(checkpointId: number, connected: boolean): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'covered' || entry.checkpointId > checkpointId) continue;
      this.setKind(entry, connected ? 'completed' : 'durable');
      if (connected) count++;
    }
    return count;
  }

  /**
   * Up to `max` packet ids of completed messages to acknowledge now (see {@link markCompleted}), in
   * the round open now: a PINGREQ closes a round only after the PUBACKs taken in it were written.
   */
  takeCompleted(max: number): number[] {
    const ids: number[] = [];
    if (!(max > 0)) return ids;
    for (const [packetId, entry] of this.entries) {
      if (entry.kind !== 'completed') continue;
      this.setKind(entry, 'acknowledged');
      entry.round = this.openRound;
      ids.push(packetId);
      if (ids.length >= max) break;
    }
    return ids;
  }

  /** Entries of a restored checkpoint: in the job's state, to acknowledge when redelivered. */
  restore(state: MqttSourceCheckpoint): void {
    for (const [packetId, fingerprint] of state.messages) {
      const existing = this.entries.get(packetId);
      if (existing !== undefined) this.forget(packetId, existing);
      this.entries.set(packetId, { kind: 'durable', fingerprint, checkpointId: 0, round: 0 });
      this.durable++;
    }
  }

  /**
   * Connected (again). Without a session on the broker every packet id is void: the ledger is
   * emptied and the number of messages whose acknowledgement was lost is returned. With one, the
   * broker is resending what it has not seen acknowledged; durable entries wait for that like
   * acknowledged ones (confirmed by the next PINGRESP).
   */
  connected(sessionPresent: boolean): number {
    if (!sessionPresent) {
      const lost = this.awaiting + this.durable;
      this.entries.clear();
      this.awaiting = 0;
      this.durable = 0;
      return lost;
    }
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'durable' && entry.kind !== 'completed') continue; // the broker resends them
      this.setKind(entry, 'acknowledged');
      entry.round = this.openRound;
    }
    return 0;
  }

  /** A PINGREQ is being sent: ends the current round and returns its number (see {@link confirm}). */
  closeRound(): number {
    return this.openRound++;
  }

  /** The PINGRESP to the PINGREQ that closed `round` arrived: PUBACKs of that round and before were processed. */
  confirm(round: number): void {
    for (const [packetId, entry] of this.entries) {
      if (entry.kind === 'acknowledged' && entry.round <= round) this.entries.delete(packetId);
    }
  }

  /** Whether PUBACKs were written that no PINGRESP confirmed yet. */
  hasUnconfirmed(): boolean {
    for (const entry of this.entries.values()) if (entry.kind === 'acknowledged') return true;
    return false;
  }

  /** Messages whose PUBACK the source still holds (pending, covered, durable): in the broker's in-flight window. */
  get unacknowledged(): number {
    return this.awaiting + this.durable;
  }

  stats(): AckLedgerStats {
    return {
      awaitingCheckpoint: this.awaiting,
      awaitingRedelivery: this.durable,
      redeliveriesDropped: this.dropped,
    };
  }

  private forget(packetId: number, entry: Entry): void {
    this.setKind(entry, 'acknowledged'); // keeps the counters right
    this.entries.delete(packetId);
  }

  private setKind(entry: Entry, kind: EntryKind): void {
    if (entry.kind === 'pending' || entry.kind === 'covered') this.awaiting--;
    else if (entry.kind === 'durable' || entry.kind === 'completed') this.durable--;
    if (kind === 'pending' || kind === 'covered') this.awaiting++;
    else if (kind === 'durable' || kind === 'completed') this.durable++;
    entry.kind = kind;
  }
}
