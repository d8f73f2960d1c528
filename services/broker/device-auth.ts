import type { AuthenticateError, Client } from 'aedes';
import { DEVICE_ID_PATTERN } from '../domain/reading.ts';
import type { BrokerHooks } from './embedded-broker.ts';

/** Checks a device's MQTT password: `DeviceRegistry` fits. */
export interface DeviceCredentialsVerifier {
  verify(username: string, password: Buffer): Promise<boolean>;
}

/** MQTT CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * Aedes hooks that let only registered devices in, each publishing only under its own topic:
 *
 * - `authenticate`: username = device id, password checked by `verifier` (constant time; a missing
 *   username or password, or an id that is not a device id, is refused without a lookup).
 * - `authorizePublish`: a device publishes only to `sensors/<its id>/...` (at least one level
 *   below); anything else, `$SYS/...` included, is refused and Aedes drops the connection.
 * - `authorizeSubscribe`: a device subscribes only to its own `sensors/<id>/...` and `alerts/<id>`.
 *
 * Eddy's own traffic never meets these hooks: the ingest (`BrokerSource`), the alert publisher and
 * the in-process simulator use `broker.subscribe` / `broker.publish` on the Aedes object, which
 * Aedes does not authorize (only network clients are). That is safe because nothing outside this
 * process holds that object: the only way in from the network is a socket, and every socket goes
 * through `authenticate`.
 *
 * @example
 * const embedded = await startEmbeddedBroker({ port: 0, hooks: deviceAuthHooks(registry) });
 */
export function deviceAuthHooks(verifier: DeviceCredentialsVerifier): BrokerHooks {
  const deviceOf = new WeakMap<Client, string>();
  return {
    authenticate: (client, username, password, done) => {
      if (username === undefined || password === undefined || !DEVICE_ID_PATTERN.test(username)) {
        done(
          authError('MQTT username (the device id) and password are required', BAD_USERNAME_OR_PASSWORD),
          false,
        );
        return;
      }
      verifier.verify(username, password).then(
        (ok) => {
          if (!ok) {
            done(authError(`bad password for device "${username}"`, BAD_USERNAME_OR_PASSWORD), false);
            return;
          }
          deviceOf.set(client, username);
          done(null, true);
        },
        () => done(authError('the device registry could not check the password', NOT_AUTHORIZED), false),
      );
    },
    authorizePublish: (client, packet, callback) => {
      const device = client === null ? undefined : deviceOf.get(client);
      if (device !== undefined && isOwnTelemetryTopic(packet.topic, device)) {
        callback(null);
        return;
      }
      callback(
        new Error(
          `device "${device ?? '?'}" may publish only under sensors/${device ?? '<its id>'}/, not to ${packet.topic}`,
        ),
      );
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const device = deviceOf.get(client);
      const topic = subscription.topic;
      const own =
        device !== undefined &&
        (topic === `alerts/${device}` || (topic.startsWith(`sensors/${device}/`) && !topic.includes('+')));
      // A null subscription is a refusal the client sees (SUBACK 0x80); the connection stays.
      callback(null, own ? subscription : null);
    },
  };
}

/**
 * Whether `topic` is under `sensors/<device>/` with at least one more, non-empty level.
 *
 * @example
 * isOwnTelemetryTopic('sensors/boiler-1/telemetry', 'boiler-1'); // true
 * isOwnTelemetryTopic('sensors/boiler-2/telemetry', 'boiler-1'); // false
 */
export function isOwnTelemetryTopic(topic: string, device: string): boolean {
  const prefix = `sensors/${device}/`;
  return (
    topic.startsWith(prefix) &&
    topic.length > prefix.length &&
    !topic.slice(prefix.length).split('/').includes('')
  );
}

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}
