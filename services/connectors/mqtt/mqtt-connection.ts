import { ErrorWithReasonCode, type MqttClient } from 'mqtt';
import type { Clock } from '../../engine/time/clock.ts';

/** What {@link subscribeWithin} subscribes to, and for how long it tries. */
export interface SubscribeWithinOptions {
  readonly filters: readonly string[];
  readonly qos: 0 | 1 | 2;
  /** The broker URL without credentials, for error messages. */
  readonly where: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Receives a function that makes the returned promise reject at once (used by `close()`). */
  readonly onAbortable: (abort: ((error: Error) => void) | undefined) => void;
}

/**
 * Resolves once `client` connected and subscribed to the filters; rejects at the timeout or on a
 * refusal that retrying cannot fix (bad credentials, a refused subscription).
 */
export function subscribeWithin(client: MqttClient, options: SubscribeWithinOptions): Promise<void> {
  const { filters, qos, where, timeoutMs, clock, onAbortable } = options;
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const finish = (error?: Error) => {
      cancelTimer();
      client.off('connect', onConnect);
      client.off('error', onError);
      onAbortable(undefined);
      if (error) reject(error);
      else resolve();
    };
    const cancelTimer = clock.setTimeout(() => {
      const cause = lastError ? `: ${lastError.message}` : '';
      finish(
        new Error(
          `could not connect to the MQTT broker at ${where} within ${timeoutMs} ms${cause}; ` +
            'check that the broker is running and that the URL (--mqtt) is right',
          { cause: lastError },
        ),
      );
    }, timeoutMs);
    const onError = (error: Error) => {
      lastError = error;
      if (error instanceof ErrorWithReasonCode) {
        finish(
          new Error(
            `the MQTT broker at ${where} refused the connection (${error.message}); check the credentials`,
            {
              cause: error,
            },
          ),
        );
      }
    };
    const onConnect = () => {
      client.off('connect', onConnect);
      client.subscribe([...filters], { qos }, (error, granted) => {
        const refused = granted?.find((grant) => grant.qos >= 0x80);
        const code = refused?.qos ?? 0;
        if (error || refused) {
          finish(
            new Error(
              `the MQTT broker at ${where} refused the subscription to ${refused?.topic ?? filters.join(', ')}` +
                ` (${error?.message ?? `reason code ${code}`}); check the broker's access control`,
              { cause: error },
            ),
          );
        } else {
          finish();
        }
      });
    };
    onAbortable((error) => finish(error));
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
