import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.ts';
import { AckLedger, type AckLedgerStats, type MqttSourceCheckpoint } from './ack-ledger.ts';
import { messageFingerprint } from './checkpoint-state.ts';

/** Ack-on-checkpoint settings of an MQTT source (see `MqttSourceOptions.ackOn`). */
export interface CheckpointAckSettings {
  readonly clientId: string;
  /** MQTT 5 Receive Maximum: unacknowledged messages the broker sends at most. */
  readonly maxUnacknowledged: number;
  /** Ask for a checkpoint once this many messages await their PUBACK. */
  readonly requestCheckpointAt: number;
  /** MQTT 5 Session Expiry Interval, in seconds. */
  readonly sessionExpirySeconds: number;
}

/** Default `maxUnacknowledged`: room for 10,000 messages between two checkpoints. */
export const DEFAULT_MAX_UNACKNOWLEDGED = 10_000;
/** Default `sessionExpirySeconds`: the broker keeps Eddy's session (and queues for it) for a week. */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

/** Counters of ack-on-checkpoint, in `MqttSource.stats()`. */
export interface CheckpointAckStats extends AckLedgerStats {
  /** Times the source asked for an early checkpoint (`requestCheckpointAt` reached). */
  readonly checkpointRequests: number;
}

/**
 * The mqtt.js side of ack-on-checkpoint: keeps an {@link AckLedger} in step with a client.
 *
 * How the PUBACK is held back: mqtt.js sends a QoS 1 PUBACK when the `handleMessage` callback is
 * called without an error, and keeps reading the socket once it is called either way; called
 * *with* an error ({@link HOLD_PUBACK}) it sends no PUBACK (mqtt.js 5: the error goes to its
 * packet loop, which ignores it). The held PUBACKs are sent later with mqtt.js's internal
 * `_sendPacket` (there is no public way; pinned by test/integration/mqtt-exactly-once.test.ts).
 * `customHandleAcks` does not fit: it only picks the reason code of an immediate PUBACK (MQTT 5
 * only), and holding its callback stops the client reading anything, like holding `handleMessage`'s.
 */
export class CheckpointAcks {
  private readonly ledger: AckLedger;
  private client: MqttClient | undefined;
  private requestCheckpoint: (() => void) | undefined;
  private everConnected = false;
  private restored = 0;
  private requested = false;
  private checkpointRequests = 0;
  private pingScheduled = false;
  /** PUBACKs are being written in slices (see `writeCompleted`). */
  private writing = false;
  /** The round each PINGREQ in flight closed, oldest first (PINGRESPs come in order). */
  private pingRounds: number[] = [];

  constructor(
    private readonly settings: CheckpointAckSettings,
    private readonly logger: Logger,
    private readonly where: string,
  ) {
    this.ledger = new AckLedger(settings.clientId);
  }

  /** Options for `connect()`: a persistent MQTT 5 session (unless the caller chose MQTT 3.1.1). */
  clientOptions(base: IClientOptions): IClientOptions {
    const protocolVersion = base.protocolVersion ?? 5;
    if (protocolVersion !== 5) return { ...base, protocolVersion, clean: false };
    return {
      ...base,
      protocolVersion,
      clean: false,
      properties: {
        ...base.properties,
        sessionExpiryInterval: this.settings.sessionExpirySeconds,
        receiveMaximum: this.settings.maxUnacknowledged,
      },
    };
  }

  /** Follows `client`'s connections and pings; call before it connects. */
  attach(client: MqttClient, requestCheckpoint: (() => void) | undefined): void {
    this.client = client;
    this.requestCheckpoint = requestCheckpoint;
    client.on('connect', (connack) => this.onConnect(client, connack.sessionPresent));
    client.on('packetsend', (packet) => {
      if (packet.cmd === 'pingreq') this.pingRounds.push(this.ledger.closeRound());
    });
    client.on('packetreceive', (packet) => {
      if (packet.cmd !== 'pingresp') return;
      const round = this.pingRounds.shift();
      if (round !== undefined) this.ledger.confirm(round);
    });
    client.on('close', () => {
      this.pingRounds = []; // their PINGRESPs will not come
    });
  }

  /**
   * Takes a QoS 1 message from mqtt.js's `handleMessage`: calls `deliver` when the job has not seen
   * it, then `done` (with {@link HOLD_PUBACK} unless it must be acknowledged now).
   */
  take(packet: IPublishPacket, payload: Buffer, deliver: () => void, done: (error?: Error) => void): void {
    if (packet.qos !== 1 || packet.messageId === undefined) {
      deliver(); // QoS 0 (a QoS 0 publisher): nothing to hold, no guarantee
      done();
      return;
    }
    const decision = this.ledger.receive(
      packet.messageId,
      packet.dup,
      messageFingerprint(packet.topic, payload),
    );
    if (decision === 'deliver') deliver();
    if (decision === 'ack') {
      done(); // mqtt.js sends the PUBACK
      this.pingSoon();
    } else {
      done(HOLD_PUBACK);
    }
    if (
      decision === 'deliver' &&
      !this.requested &&
      this.ledger.unacknowledged >= this.settings.requestCheckpointAt
    ) {
      this.requested = true;
      this.checkpointRequests++;
      this.requestCheckpoint?.();
    }
  }

  snapshot(checkpointId: number): MqttSourceCheckpoint {
    this.requested = false;
    return this.ledger.snapshot(checkpointId);
  }

  /** The restored checkpoint's entries of this client's session (see `checkpointStateFor`). */
  restore(parts: readonly MqttSourceCheckpoint[]): void {
    if (this.client !== undefined) throw new Error('restoreState() must be called before open()');
    for (const part of parts) {
      this.ledger.restore(part);
      this.restored += part.messages.length;
    }
  }

  complete(checkpointId: number): void {
    const client = this.client;
    const waiting = this.ledger.markCompleted(checkpointId, client?.connected === true);
    if (client !== undefined && waiting > 0) this.writeCompleted(client);
  }

  /** Writes every PUBACK of a completed checkpoint not written yet, at once (before a DISCONNECT). */
  writeCompletedNow(): void {
    const client = this.client;
    if (client === undefined || !client.connected) return;
    writePubacks(client, this.ledger.takeCompleted(Number.POSITIVE_INFINITY));
  }

  /**
   * Writes the PUBACKs of completed checkpoints, {@link PUBACKS_PER_TURN} per event-loop turn
   * (the 5,000 of a checkpoint at once held the thread for 8–25 ms), each slice followed by a
   * PINGREQ (see `pingSoon`). Stops when the connection is gone: the rest wait for their
   * redelivery (`AckLedger.connected`).
   */
  private writeCompleted(client: MqttClient): void {
    if (this.writing) return;
    this.writing = true;
    const slice = () => {
      if (this.client !== client || !client.connected) {
        this.writing = false;
        return;
      }
      const ids = this.ledger.takeCompleted(PUBACKS_PER_TURN);
      writePubacks(client, ids);
      if (ids.length > 0) this.pingSoon();
      if (ids.length === PUBACKS_PER_TURN) setImmediate(slice);
      else this.writing = false;
    };
    slice();
  }

  stats(): CheckpointAckStats {
    return { ...this.ledger.stats(), checkpointRequests: this.checkpointRequests };
  }

  private onConnect(client: MqttClient, sessionPresent: boolean): void {
    const first = !this.everConnected;
    this.everConnected = true;
    const lost = this.ledger.connected(sessionPresent);
    if (!sessionPresent && (!first || this.restored > 0)) {
      this.logger.warn(
        { url: this.where, clientId: this.settings.clientId, unacknowledgedLost: lost },
        `the MQTT broker had no session for client id ${this.settings.clientId} (restarted without ` +
          'persistence, or the session expired): messages published while Eddy was not connected are lost',
      );
    }
    if (this.ledger.hasUnconfirmed() && client.connected) client.sendPing();
  }

  /** One PINGREQ after the PUBACKs of this turn: its PINGRESP proves the broker processed them. */
  private pingSoon(): void {
    if (this.pingScheduled) return;
    this.pingScheduled = true;
    setImmediate(() => {
      this.pingScheduled = false;
      if (this.client?.connected) this.client.sendPing();
    });
  }
}

/** Writes a PUBACK for each of `ids` (private mqtt.js API, see `CheckpointAcks`; while connected it writes at once). */
function writePubacks(client: MqttClient, ids: readonly number[]): void {
  const send = (client as unknown as { _sendPacket(packet: object): void })._sendPacket.bind(client);
  for (const messageId of ids) send({ cmd: 'puback', messageId, reasonCode: 0 });
}

/** PUBACKs written per event-loop turn when a checkpoint completes (see `CheckpointAcks.complete`). */
export const PUBACKS_PER_TURN = 500;

/** Passed to mqtt.js's `handleMessage` callback so that it sends no PUBACK (see {@link CheckpointAcks}). */
export const HOLD_PUBACK: Error = new Error('PUBACK held until the checkpoint completes');

/**
 * Checks and completes the ack-on-checkpoint options of an MQTT source; throws a message that
 * says what to set.
 */
export function checkpointAckSettings(options: {
  readonly clientId?: string | undefined;
  readonly qos?: number | undefined;
  readonly clean?: boolean | undefined;
  readonly protocolVersion?: number | undefined;
  readonly maxUnacknowledged?: number | undefined;
  readonly requestCheckpointAt?: number | undefined;
  readonly sessionExpirySeconds?: number | undefined;
}): CheckpointAckSettings {
  const { clientId, qos = 1, clean, protocolVersion = 5 } = options;
  const fail = (what: string) => {
    throw new Error(`MQTT source with ackOn 'checkpoint': ${what}`);
  };
  if (clientId === undefined || clientId.length === 0) {
    fail(
      'set a stable clientId (e.g. "eddy-ingest-0"): the broker keeps the unacknowledged messages in its session',
    );
  }
  if (qos !== 1) fail(`qos must be 1 (got ${qos}): only QoS 1 messages are acknowledged with a PUBACK`);
  if (clean === true) fail('clientOptions.clean must not be true: the session must survive a crash');
  if (protocolVersion !== 4 && protocolVersion !== 5) {
    fail(`protocolVersion must be 5 (default) or 4 (MQTT 3.1.1), got ${protocolVersion}`);
  }
  const maxUnacknowledged = options.maxUnacknowledged ?? DEFAULT_MAX_UNACKNOWLEDGED;
  if (!Number.isInteger(maxUnacknowledged) || maxUnacknowledged < 1 || maxUnacknowledged > 65_535) {
    fail(`maxUnacknowledged must be an integer from 1 to 65,535 (MQTT packet ids), got ${maxUnacknowledged}`);
  }
  const requestCheckpointAt = options.requestCheckpointAt ?? Math.max(1, Math.floor(maxUnacknowledged / 2));
  if (
    !Number.isInteger(requestCheckpointAt) ||
    requestCheckpointAt < 1 ||
    requestCheckpointAt > maxUnacknowledged
  ) {
    fail(
      `requestCheckpointAt must be an integer from 1 to maxUnacknowledged (${maxUnacknowledged}), got ${requestCheckpointAt}`,
    );
  }
  const sessionExpirySeconds = options.sessionExpirySeconds ?? DEFAULT_SESSION_EXPIRY_SECONDS;
  if (
    !Number.isInteger(sessionExpirySeconds) ||
    sessionExpirySeconds < 1 ||
    sessionExpirySeconds > 0xffff_ffff
  ) {
    fail(`sessionExpirySeconds must be an integer from 1 to 4,294,967,295, got ${sessionExpirySeconds}`);
  }
  return { clientId: clientId!, maxUnacknowledged, requestCheckpointAt, sessionExpirySeconds };
}
