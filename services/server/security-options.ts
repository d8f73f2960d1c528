import type { MqttClientTls } from '../../simulators/mqtt-publisher.ts';
import { loadTlsFiles, TlsFileError } from './tls-files.ts';

/** What `eddy start` can be told about TLS, credentials and rate limits (each a flag and an `EDDY_*` variable). */
export interface SecurityStartOptions {
  /** Serve the API and dashboards over HTTPS with this certificate (`--tls-cert`, PEM); needs `tlsKey`. */
  readonly tlsCert?: string;
  /** Private key of `tlsCert` (`--tls-key`, PEM, not encrypted). */
  readonly tlsKey?: string;
  /** The embedded broker listens with TLS (`mqtts://`) with this certificate (`--mqtt-tls-cert`); needs `mqttTlsKey`. */
  readonly mqttTlsCert?: string;
  /** Private key of `mqttTlsCert` (`--mqtt-tls-key`). */
  readonly mqttTlsKey?: string;
  /** Embedded broker: devices must present a client certificate signed by this CA (`--mqtt-tls-ca`, mutual TLS). */
  readonly mqttTlsCa?: string;
  /** External `mqtts://` broker: the CA to trust, e.g. of a self-signed certificate (`--mqtt-ca`). Default the system's. */
  readonly mqttCa?: string;
  /** External broker: Eddy's client certificate (`--mqtt-cert`), for a broker that asks for one; needs `mqttKey`. */
  readonly mqttCert?: string;
  /** Private key of `mqttCert` (`--mqtt-key`). */
  readonly mqttKey?: string;
  /** InfluxDB user (`--influx-username`, `EDDY_INFLUX_USERNAME`); wins over a user in the `--influx` URL. */
  readonly influxUsername?: string;
  /** InfluxDB password (`EDDY_INFLUX_PASSWORD`); wins over the URL's. Never logged. */
  readonly influxPassword?: string;
  /** A file whose first line is the InfluxDB password (`--influx-password-file`, `EDDY_INFLUX_PASSWORD_FILE`). */
  readonly influxPasswordFile?: string;
  /**
   * API requests per minute per client address (`--rate-limit`), or `off`. Unset: off, as for
   * `buildApp` (tests and embedding poll freely); `eddy start` passes {@link DEFAULT_RATE_LIMIT}.
   */
  readonly rateLimit?: number | 'off';
}

/** Default `--rate-limit`: requests per minute per client address (live stream and dashboard files excepted). */
export const DEFAULT_RATE_LIMIT = 600;

/** The TLS material of a start, read and checked once (see {@link loadStartTls}). */
export interface StartTls {
  /** The API's certificate and key (Fastify's `https`). */
  readonly api?: { readonly cert: Buffer; readonly key: Buffer };
  /** The embedded broker's certificate and key, and the CA of client certificates. */
  readonly broker?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
  /** Eddy's clients of an external broker. */
  readonly mqttClient?: MqttClientTls;
}

/**
 * Reads and checks every TLS file of a start before anything is started, so that a wrong path, a
 * key of another certificate, or a flag that does not fit the broker mode fails at once with a
 * message naming the flag (see `loadTlsFiles`).
 *
 * @example
 * const tls = await loadStartTls({ tlsCert: 'eddy.crt', tlsKey: 'eddy.key' });
 * await buildApp({ ...deps, ...(tls.api ? { https: tls.api } : {}) });
 */
export async function loadStartTls(
  options: SecurityStartOptions & { readonly mqttUrl?: string },
): Promise<StartTls> {
  const external = options.mqttUrl !== undefined;
  const brokerFlags = [options.mqttTlsCert, options.mqttTlsKey, options.mqttTlsCa].some(
    (v) => v !== undefined,
  );
  const clientFlags = [options.mqttCa, options.mqttCert, options.mqttKey].some((v) => v !== undefined);
  if (external && brokerFlags) {
    throw new TlsFileError(
      '--mqtt-tls-cert, --mqtt-tls-key and --mqtt-tls-ca configure the embedded broker, but --mqtt names an ' +
        'external one: to trust its certificate use --mqtt-ca (and --mqtt-cert/--mqtt-key for a client certificate)',
    );
  }
  if (!external && clientFlags) {
    throw new TlsFileError(
      '--mqtt-ca, --mqtt-cert and --mqtt-key are for an external broker (--mqtt mqtts://host:8883): ' +
        'the embedded broker takes --mqtt-tls-cert and --mqtt-tls-key',
    );
  }
  if (external && clientFlags && !/^(mqtts|ssl|wss|tls):/i.test(options.mqttUrl ?? '')) {
    throw new TlsFileError(
      '--mqtt-ca, --mqtt-cert and --mqtt-key need a TLS broker URL: write --mqtt mqtts://host:8883 instead of mqtt://',
    );
  }
  if (options.mqttTlsCa !== undefined && options.mqttTlsCert === undefined) {
    throw new TlsFileError(
      '--mqtt-tls-ca (client certificates) needs the broker to listen with TLS: add --mqtt-tls-cert and --mqtt-tls-key',
    );
  }
  const [api, broker, mqttClient] = await Promise.all([
    loadTlsFiles(
      { ...opt('cert', options.tlsCert), ...opt('key', options.tlsKey) },
      { cert: '--tls-cert', key: '--tls-key', ca: '--tls-ca' },
    ),
    loadTlsFiles(
      {
        ...opt('cert', options.mqttTlsCert),
        ...opt('key', options.mqttTlsKey),
        ...opt('ca', options.mqttTlsCa),
      },
      { cert: '--mqtt-tls-cert', key: '--mqtt-tls-key', ca: '--mqtt-tls-ca' },
    ),
    loadTlsFiles(
      { ...opt('cert', options.mqttCert), ...opt('key', options.mqttKey), ...opt('ca', options.mqttCa) },
      { cert: '--mqtt-cert', key: '--mqtt-key', ca: '--mqtt-ca' },
    ),
  ]);
  return {
    ...(api?.cert && api.key ? { api: { cert: api.cert, key: api.key } } : {}),
    ...(broker?.cert && broker.key
      ? { broker: { cert: broker.cert, key: broker.key, ...(broker.ca ? { ca: broker.ca } : {}) } }
      : {}),
    ...(mqttClient ? { mqttClient } : {}),
  };
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
