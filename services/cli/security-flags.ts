import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SecurityStartOptions } from '../server/security-options.ts';
import { DEFAULT_RATE_LIMIT } from '../server/security-options.ts';

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

/**
 * Adds the flags of TLS (broker and API), InfluxDB credentials and the API rate limit to
 * `eddy start` (README "Security"); {@link securityStartOptions} turns them into start options.
 *
 * @example
 * const start = withSecurityOptions(new Command('start'));
 * start.parse(['--tls-cert', 'eddy.crt', '--tls-key', 'eddy.key'], { from: 'user' });
 */
export function withSecurityOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--mqtt-tls-cert <file>',
        'embedded broker: listen with TLS (mqtts://) with this certificate (PEM); needs --mqtt-tls-key',
      ).env('EDDY_MQTT_TLS_CERT'),
    )
    .addOption(
      new Option('--mqtt-tls-key <file>', 'private key of --mqtt-tls-cert (PEM)').env('EDDY_MQTT_TLS_KEY'),
    )
    .addOption(
      new Option(
        '--mqtt-tls-ca <file>',
        'embedded broker: devices must present a client certificate signed by this CA',
      ).env('EDDY_MQTT_TLS_CA'),
    )
    .addOption(
      new Option(
        '--mqtt-ca <file>',
        'external mqtts:// broker: trust this CA (e.g. a self-signed certificate)',
      ).env('EDDY_MQTT_CA'),
    )
    .addOption(
      new Option(
        '--mqtt-cert <file>',
        'external broker: client certificate of Eddy (PEM); needs --mqtt-key',
      ).env('EDDY_MQTT_CERT'),
    )
    .addOption(new Option('--mqtt-key <file>', 'private key of --mqtt-cert (PEM)').env('EDDY_MQTT_KEY'))
    .addOption(
      new Option(
        '--tls-cert <file>',
        'serve the API and dashboard over HTTPS with this certificate (PEM)',
      ).env('EDDY_TLS_CERT'),
    )
    .addOption(new Option('--tls-key <file>', 'private key of --tls-cert (PEM)').env('EDDY_TLS_KEY'))
    .addOption(
      new Option('--influx-username <user>', 'InfluxDB user (wins over a user in the --influx URL)').env(
        'EDDY_INFLUX_USERNAME',
      ),
    )
    .addOption(
      new Option(
        '--influx-password <password>',
        'InfluxDB password: prefer the variable, a flag shows in the process list',
      ).env('EDDY_INFLUX_PASSWORD'),
    )
    .addOption(
      new Option(
        '--influx-password-file <file>',
        'read the InfluxDB password from the first line of this file',
      ).env('EDDY_INFLUX_PASSWORD_FILE'),
    )
    .addOption(
      new Option(
        '--rate-limit <n>',
        'API requests per minute per client address, or off (the live stream and dashboard files are not counted)',
      )
        .env('EDDY_RATE_LIMIT')
        .argParser(parseRateLimit)
        .default(DEFAULT_RATE_LIMIT),
    );
}
