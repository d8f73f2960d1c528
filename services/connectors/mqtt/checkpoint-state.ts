import { createHash } from 'node:crypto';
import { MQTT_SOURCE_CHECKPOINT_FORMAT, type MqttSourceCheckpoint } from './ack-ledger.ts';

/**
 * A message's fingerprint: base64 MD5 of its topic, a NUL (never in a topic name) and its payload.
 * Tells a redelivery (same id, same fingerprint) from a new message that reused a freed packet id.
 *
 * @example
 * messageFingerprint('sensors/a/telemetry', Buffer.from('{}')) === messageFingerprint('sensors/a/telemetry', Buffer.from('{}'));
 */
export function messageFingerprint(topic: string, payload: Buffer): string {
  return createHash('md5').update(topic).update('\u0000').update(payload).digest('base64');
}

/**
 * The entries of `state` that belong to `clientId`'s session. `state` is what `snapshotState`
 * returned, or an array of such states (e.g. every split's, after rescaling); states of other
 * client ids are ignored (their packet ids mean nothing in this session). Throws on anything else.
 */
export function checkpointStateFor(state: unknown, clientId: string): MqttSourceCheckpoint[] {
  const states = Array.isArray(state) ? state : [state];
  return states.map(parseState).filter((s) => s.clientId === clientId);
}

function parseState(state: unknown): MqttSourceCheckpoint {
  const candidate = state as Partial<MqttSourceCheckpoint> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.format === MQTT_SOURCE_CHECKPOINT_FORMAT &&
    typeof candidate.clientId === 'string' &&
    Array.isArray(candidate.messages) &&
    candidate.messages.every(
      (m) =>
        Array.isArray(m) &&
        m.length === 2 &&
        Number.isInteger(m[0]) &&
        m[0] >= 1 &&
        m[0] <= 65_535 &&
        typeof m[1] === 'string',
    );
  if (!valid) {
    const format = (candidate as { format?: unknown } | null)?.format;
    throw new Error(
      `cannot restore the MQTT source: expected a state of format ${MQTT_SOURCE_CHECKPOINT_FORMAT}` +
        (format === undefined ? '' : `, got format ${JSON.stringify(format)}`) +
        '; was the checkpoint taken by another source or another Eddy version?',
    );
  }
  return candidate as MqttSourceCheckpoint;
}
