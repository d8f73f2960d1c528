const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Reads the bound of an InfluxDB sink's spill queue (`--influx-spill-limit`): a size in bytes
 * with an optional unit (`B`, `KB`/`MB`/`GB`/`TB` in powers of 1000, `KiB`/`MiB`/`GiB`/`TiB` in
 * powers of 1024, any case), or `off` for no spill (past its memory buffer the sink then holds
 * the sources at once). Throws a `RangeError` naming the value otherwise.
 *
 * @example
 * parseSpillLimit('1GiB');   // 1073741824
 * parseSpillLimit('500 MB'); // 500000000
 * parseSpillLimit('off');    // 'off'
 */
export function parseSpillLimit(text: string): number | 'off' {
  const value = text.trim().toLowerCase();
  if (value === 'off') return 'off';
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(value);
  const unit = match ? UNITS[match[2] || 'b'] : undefined;
  const bytes = match && unit ? Math.floor(Number(match[1]) * unit) : Number.NaN;
  if (!(bytes >= 1)) {
    throw new RangeError(
      `"${text}" is not a spill limit: give a size such as 1GiB, 500MB or 1048576 (bytes), or off`,
    );
  }
  return bytes;
}
