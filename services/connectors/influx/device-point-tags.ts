/**
 * A device's own labels for its InfluxDB points (e.g. the device registry's tags: `DeviceTagCache`'s
 * `tagsOf`), `{}` for none. Called once per point: it must be cheap (an in-memory lookup).
 */
export type DeviceTagsOf = (device: string) => Readonly<Record<string, string>>;

/**
 * A point's tags: Eddy's own (`device`, `metric`, ...) first, then the device's tags from
 * `tagsOf` in their order. A device tag never replaces one of Eddy's tags, nor takes the name of
 * one of the measurement's fields (`notFields`: InfluxQL would then need `::tag` / `::field` to
 * tell them apart, and `SELECT *` would rename one): such a tag is left out. The registry already
 * refuses Eddy's tag keys and keeps keys and values safe for line protocol. `own` (a fresh object
 * of the mapper) is extended in place and returned.
 *
 * @example
 * pointTags({ device: 'boiler-1', metric: 'temperature' }, () => ({ site: 'lyon', device: 'x' }));
 * // { device: 'boiler-1', metric: 'temperature', site: 'lyon' }
 * pointTags({ device: 'boiler-1' }, undefined); // { device: 'boiler-1' }
 */
export function pointTags(
  own: Record<string, string> & { device: string },
  tagsOf: DeviceTagsOf | undefined,
  notFields: { has(name: string): boolean } = NO_FIELDS,
): Record<string, string> {
  if (tagsOf === undefined) return own;
  const extra = tagsOf(own.device);
  for (const key in extra) {
    if (!Object.hasOwn(own, key) && !notFields.has(key)) own[key] = extra[key]!;
  }
  return own;
}

const NO_FIELDS: { has(name: string): boolean } = { has: () => false };
