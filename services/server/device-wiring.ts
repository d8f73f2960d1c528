import type { Logger } from '../common/logger.ts';
import { DeviceRegistry } from '../devices/device-registry.ts';
import { DeviceTagCache } from '../devices/device-tag-cache.ts';
import type { Reading } from '../domain/reading.ts';
import type { Source, SourceContext } from '../engine/api/source.ts';
import type { Clock } from '../engine/time/clock.ts';

/** `eddy start`'s device settings (to join {@link StartOptions}). */
export interface DeviceStartOptions {
  /**
   * `--mqtt-auth`: the embedded broker lets in only registered devices (username = device id,
   * password from `eddy devices register` / `POST /api/devices`), each publishing only under
   * `sensors/<its id>/`. Default off: `mosquitto_pub` works out of the box on the loopback broker.
   */
  readonly mqttAuth?: boolean;
}

/**
 * Opens the device registry (`<dataDir>/eddy.db`) and says what the broker will ask of devices.
 *
 * @example
 * const devices = openDevices({ dataDir: '.eddy', mqttHost: '127.0.0.1' }, systemClock, logger);
 */
export function openDevices(
  options: DeviceStartOptions & { dataDir: string; mqttHost: string; mqttUrl?: string },
  clock: Clock,
  logger: Logger,
): DeviceRegistry {
  const registry = DeviceRegistry.open(options.dataDir, { clock, logger });
  if (options.mqttAuth && options.mqttUrl !== undefined) {
    logger.warn(
      '--mqtt-auth applies to the embedded broker only: secure the external one with `eddy devices export-mosquitto`',
    );
  } else if (!options.mqttAuth && options.mqttUrl === undefined && !isLoopback(options.mqttHost)) {
    logger.warn(
      { host: options.mqttHost },
      'the embedded MQTT broker is reachable from the network without credentials: add --mqtt-auth',
    );
  }
  return registry;
}

/**
 * The registry's device tags in memory for the job's InfluxDB points (`createJobSinks`'
 * `deviceTags: cache.tagsOf`): reloaded when a device is registered, updated or removed through
 * this process (API), and within `refreshMs` (default 10 s) of a change by another process
 * (`eddy devices register ...`). Close it before the registry.
 *
 * @example
 * const tags = openDeviceTags(devices, clock, logger);
 * createJobSinks(spec, { influx, liveFeed, deviceTags: tags.tagsOf, logger });
 * // on shutdown: tags.close(); devices.close();
 */
export function openDeviceTags(
  registry: DeviceRegistry,
  clock: Clock,
  logger: Logger,
  refreshMs = 10_000,
): DeviceTagCache {
  return new DeviceTagCache(registry, { clock, logger, refreshMs });
}

/**
 * Wraps the job's telemetry source so every message marks its device seen: the telemetry path
 * hands each message's readings over in one `collectBatch` (all of one device), so the cost is
 * one `registry.seen` (a Map update) per message, in the main thread, before the job. Everything
 * else (pause, resume, checkpoint hooks) goes to the wrapped source unchanged.
 *
 * @example
 * runJob({ sources: { readings: withDeviceSeen(ingest.source, registry) }, ... });
 */
export function withDeviceSeen(
  source: Source<Reading>,
  registry: Pick<DeviceRegistry, 'seen'>,
): Source<Reading> {
  const wrapped: Source<Reading> = {
    name: source.name,
    open: (ctx: SourceContext<Reading>) =>
      source.open({
        clock: ctx.clock,
        collect: (reading) => {
          registry.seen(reading.device);
          ctx.collect(reading);
        },
        collectBatch: (readings, from = 0, to = readings.length) => {
          const first = from < to ? readings[from] : undefined;
          if (first !== undefined) registry.seen(first.device);
          ctx.collectBatch(readings, from, to);
        },
        endOfInput: () => ctx.endOfInput(),
        ...(ctx.requestCheckpoint ? { requestCheckpoint: () => ctx.requestCheckpoint!() } : {}),
        ...(ctx.markUnavailable
          ? { markUnavailable: (unavailable) => ctx.markUnavailable!(unavailable) }
          : {}),
      }),
    close: () => source.close(),
  };
  for (const hook of [
    'pause',
    'resume',
    'snapshotState',
    'restoreState',
    'notifyCheckpointComplete',
    'notifyCheckpointAborted',
  ] as const) {
    const method = source[hook];
    if (method !== undefined) (wrapped as unknown as Record<string, unknown>)[hook] = method.bind(source);
  }
  return wrapped;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
