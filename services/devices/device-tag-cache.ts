import { type Logger, silentLogger } from '../common/logger.ts';
import { type Cancel, type Clock, every, systemClock } from '../engine/time/clock.ts';
import type { DeviceRegistry } from './device-registry.ts';

/** A device's registry tags, `{}` for a device without tags or not in the registry. */
export type DeviceTagLookup = (device: string) => Readonly<Record<string, string>>;

/** No tags: what {@link DeviceTagLookup} answers for a device without any. */
export const NO_DEVICE_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/** Options of {@link DeviceTagCache}. */
export interface DeviceTagCacheOptions {
  /** Drives the periodic check. Default the system clock. */
  readonly clock?: Clock;
  /** How often changes made by another process (`eddy devices ...`) are looked for. Default 10 s. */
  readonly refreshMs?: number;
  readonly logger?: Logger;
}

/**
 * The registry's device tags in memory, for the InfluxDB point mappers: {@link tagsOf} is one Map
 * lookup, so it can run for every point in the main thread. Reloaded when the registry reports a
 * `register`, `update` or `remove` made in this process, and, every `refreshMs`, when SQLite says
 * another process changed the database (`PRAGMA data_version`, one cheap call; the tags are read
 * again only then). A failed reload is logged and the previous tags are kept.
 *
 * @example
 * const cache = new DeviceTagCache(registry, { clock });
 * registry.update('boiler-1', { tags: { site: 'lyon' } });
 * cache.tagsOf('boiler-1'); // { site: 'lyon' }
 * cache.tagsOf('unknown');  // {}
 * cache.close();
 */
export class DeviceTagCache {
  private tags = new Map<string, Readonly<Record<string, string>>>();
  private version: number;
  private readonly logger: Logger;
  private readonly unsubscribe: () => void;
  private readonly stopChecking: Cancel;

  constructor(
    private readonly registry: Pick<DeviceRegistry, 'deviceTags' | 'externalVersion' | 'onChange'>,
    options: DeviceTagCacheOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.version = registry.externalVersion();
    this.reload();
    this.unsubscribe = registry.onChange(() => this.reload());
    this.stopChecking = every(options.clock ?? systemClock, options.refreshMs ?? 10_000, () =>
      this.checkExternal(),
    );
  }

  /** The tags of `device` (`{}` when it has none): a Map lookup. Bound, so it can be passed around. */
  readonly tagsOf: DeviceTagLookup = (device) => this.tags.get(device) ?? NO_DEVICE_TAGS;

  /** Devices with tags in the cache. */
  get size(): number {
    return this.tags.size;
  }

  /** Reads every device's tags from the registry again. */
  reload(): void {
    try {
      this.tags = this.registry.deviceTags();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the device tags; keeping the previous ones');
    }
  }

  /** Stops listening and checking; {@link tagsOf} keeps answering with the last tags. Idempotent. */
  close(): void {
    this.unsubscribe();
    this.stopChecking();
  }

  private checkExternal(): void {
    let version: number;
    try {
      version = this.registry.externalVersion();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check the device registry for changes');
      return;
    }
    if (version === this.version) return;
    this.version = version;
    this.reload();
  }
}
