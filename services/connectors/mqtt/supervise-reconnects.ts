import type { MqttClient } from 'mqtt';
import type { MqttConnectionHealth } from './connection-health.ts';
import type { ReconnectBackoff } from './reconnect-backoff.ts';

/** The parts of an mqtt.js client that {@link superviseReconnects} uses (a fake in unit tests). */
export type SupervisedClient = Pick<MqttClient, 'on'> & { readonly options: { reconnectPeriod?: number } };

/**
 * Keeps `health` in step with `client`'s connection events and, with a `backoff`, turns mqtt.js's
 * fixed reconnect period into a capped exponential one with jitter.
 *
 * mqtt.js waits `options.reconnectPeriod` ms between attempts: it reads the option each time a
 * connection (or an attempt) closes and emits `reconnect` as each attempt starts. So the period is
 * set to the backoff's next delay at every `reconnect`, and back to the first delay at every
 * `connect`. mqtt.js keeps doing the rest: it reconnects with the same client id and `clean: false`
 * session, resubscribes only when the broker has no session for it (`sessionPresent` false; with
 * one, the broker still has the subscriptions, so none is sent twice), and resends its unacknowledged
 * outgoing QoS 1 messages.
 *
 * `onOutage(true)` is called when a connection that was up is lost, `onOutage(false)` when it is
 * back (not for the failed attempts in between).
 *
 * @example
 * const health = new MqttConnectionHealth(clock);
 * const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_BACKOFF, createRandom(clock.now()));
 * const client = connect(url, { reconnectPeriod: backoff.firstDelay(), clean: false, clientId });
 * superviseReconnects(client, health, backoff);
 * health.status(); // { connected: false, reconnects: 0, attempts: 0 } until the CONNACK
 */
export function superviseReconnects(
  client: SupervisedClient,
  health: MqttConnectionHealth,
  backoff?: ReconnectBackoff,
  onOutage?: (down: boolean) => void,
): void {
  const setPeriod = (delayMs: number) => {
    if (backoff !== undefined && (client.options.reconnectPeriod ?? 0) > 0) {
      client.options.reconnectPeriod = delayMs;
    }
  };
  client.on('connect', () => {
    const wasDown = health.status().downSince !== undefined;
    health.connected();
    if (wasDown) onOutage?.(false);
    backoff?.reset();
    if (backoff) setPeriod(backoff.firstDelay());
  });
  client.on('reconnect', () => {
    health.attempt();
    if (backoff) setPeriod(backoff.nextDelay());
  });
  client.on('close', () => {
    const wasUp = health.status().connected;
    health.lost();
    if (wasUp) onOutage?.(true);
  });
  client.on('error', (error) => health.error(error.message));
  client.on('disconnect', (packet) => {
    const code = packet.reasonCode ?? 0;
    health.error(
      `the broker sent DISCONNECT (reason code ${code}${code === 0x8b ? ': server shutting down' : ''})`,
    );
  });
}
