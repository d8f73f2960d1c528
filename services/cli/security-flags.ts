import { InvalidArgumentError } from 'commander';
import type { SecurityStartOptions } from '../server/security-options.ts';

/** The `eddy start` flags of TLS, credentials and rate limiting, as commander names them. */
export interface SecurityFlags {
  tlsCert?: string;
  tlsKey?: string;
  mqttTlsCert?: string;
  mqttTlsKey?: string;
  mqttTlsCa?: string;
  mqttCa?: string;
  mqttCert?: string;
  mqttKey?: string;
  influxUsername?: string;
  influxPassword?: string;
  influxPasswordFile?: string;
  rateLimit?: number | 'off';
}

const KEYS = [
  'tlsCert',
  'tlsKey',
  'mqttTlsCert',
  'mqttTlsKey',
  'mqttTlsCa',
  'mqttCa',
  'mqttCert',
  'mqttKey',
  'influxUsername',
  'influxPassword',
  'influxPasswordFile',
  'rateLimit',
] as const satisfies readonly (keyof SecurityFlags & keyof SecurityStartOptions)[];

/**
 * The start options of the security flags that were given (the names are the same).
 *
 * @example
 * securityStartOptions({ tlsCert: 'eddy.crt', tlsKey: 'eddy.key' }); // { tlsCert: 'eddy.crt', tlsKey: 'eddy.key' }
 */
export function securityStartOptions(flags: SecurityFlags): SecurityStartOptions {
  return Object.fromEntries(KEYS.filter((key) => flags[key] !== undefined).map((key) => [key, flags[key]]));
}

/**
 * `--rate-limit`: requests per minute per client address, or `off`.
 *
 * @example
 * parseRateLimit('120'); // 120
 * parseRateLimit('off'); // 'off'
 */
export function parseRateLimit(value: string): number | 'off' {
  if (value === 'off') return value;
  const text = value.replace(/\s*(\/\s*min(ute)?|per\s+min(ute)?)$/i, '');
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError('expected requests per minute (a whole number from 1), or off.');
  }
  return Number(text);
}
