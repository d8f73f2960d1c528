import type { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { type Logger, silentLogger } from '../common/logger.ts';
import { type DeviceCredentialsVerifier, deviceAuthHooks } from './device-auth.ts';

/**
 * Access-control hooks, passed to Aedes unchanged (see aedes docs/Aedes.md, "Handler: …"). None
 * is set by default: Aedes then accepts every client and refuses only publishes to `$SYS/`.
 */
export type BrokerHooks = Pick<
  AedesOptions,
  'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'
>;

export interface EmbeddedBrokerOptions {
  /** TCP port (default 1883); 0 picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`: reachable from this machine only). `0.0.0.0` opens it up. */
  readonly host?: string;
  readonly logger?: Logger;
  readonly hooks?: BrokerHooks;
  /**
   * Device authentication (`--mqtt-auth`): only registered devices connect, each publishing only
   * under `sensors/<its id>/` (see {@link deviceAuthHooks}). Eddy's in-process publishers and
   * subscribers are not affected. Hooks in `hooks` take precedence. Default: anyone may connect.
   */
  readonly auth?: DeviceCredentialsVerifier;
  /**
   * Listen with TLS (`--mqtt-tls-cert`, `--mqtt-tls-key`; see `loadTlsFiles`): the URL becomes
   * `mqtts://`. With `ca`, devices must also present a client certificate signed by it (mutual TLS).
   * Default: plain TCP.
   */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer };
  /** Other Aedes options (e.g. `concurrency`, `drainTimeout`, `heartbeatInterval`). */
  readonly aedes?: Omit<AedesOptions, keyof BrokerHooks>;
}

export interface EmbeddedBroker {
  /** The Aedes instance, for in-process publish / subscribe (see broker-source.ts). */
  readonly broker: Aedes;
  readonly host: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** URL clients connect to, e.g. `mqtt://127.0.0.1:1883` (`mqtts://` with `tls`). */
  readonly url: string;
  /** Disconnects every client, stops listening and releases the port. */
  close(): Promise<void>;
}

/** The port is taken (typically by another MQTT broker); `code` is `EDDY_PORT_IN_USE`. */
export class PortInUseError extends Error {
  readonly code = 'EDDY_PORT_IN_USE';
  constructor(
    readonly port: number,
    url: string,
    options?: ErrorOptions,
  ) {
    super(
      `port ${port} is already in use: another MQTT broker is probably running; ` +
        `connect to it with --mqtt ${url}, or choose another port with --mqtt-port`,
      options,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Starts the zero-setup MQTT broker: Aedes (in memory) on a TCP server.
 *
 * @example
 * const { broker, url, close } = await startEmbeddedBroker({ port: 0 });
 * // devices publish to `url`; Eddy consumes in-process with new BrokerSource({ broker })
 * await close();
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 1883;
  const logger = options.logger ?? silentLogger;
  if (!(Number.isInteger(requestedPort) && requestedPort >= 0 && requestedPort <= 65_535)) {
    throw new RangeError(`MQTT port must be an integer from 0 to 65535, got ${requestedPort}`);
  }

  const hooks = {
    ...(options.auth ? deviceAuthHooks(options.auth) : {}),
    ...definedHooks(options.hooks),
  };
  const broker = await Aedes.createBroker({ ...options.aedes, ...hooks });
  watchBroker(broker, logger);
  const server: Server = options.tls
    ? createTlsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ...(options.tls.ca ? { ca: options.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        broker.handle,
      )
    : createServer(broker.handle);
  if (options.tls) {
    server.on('tlsClientError', (error: Error) =>
      logger.debug({ err: error }, `MQTT TLS handshake failed: ${error.message}`),
    );
  }
  try {
    await listen(server, requestedPort, host);
  } catch (error) {
    await closeBroker(broker);
    throw explainListenError(error, requestedPort, host);
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : requestedPort;
  const url = `${options.tls ? 'mqtts' : 'mqtt'}://${urlHost(host)}:${port}`;
  logger.info(
    { url, host, port, auth: options.auth !== undefined, tls: options.tls !== undefined },
    `embedded MQTT broker listening on ${url}${options.auth ? ' (devices need credentials)' : ''}`,
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await closeBroker(broker);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info({ url }, 'embedded MQTT broker closed');
    })();
    return closing;
  };
  return { broker, host, port, url, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function explainListenError(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const url = `mqtt://${urlHost(host)}:${port}`;
  if (code === 'EADDRINUSE') return new PortInUseError(port, url, { cause: error });
  if (code === 'EACCES') {
    return new Error(
      `not allowed to listen on port ${port}: ports below 1024 need privileges; choose another port with --mqtt-port`,
      { cause: error },
    );
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new Error(`cannot listen on ${host}: no such local address; check the broker host setting`, {
      cause: error,
    });
  }
  return new Error(
    `the embedded MQTT broker could not listen on ${host}:${port}: ${(error as Error).message}`,
    {
      cause: error,
    },
  );
}

function watchBroker(broker: Aedes, logger: Logger): void {
  // Aedes emits 'error' (e.g. a failed will sweep) but its typings omit it; unhandled it would crash.
  const emitter: EventEmitter = broker;
  emitter.on('error', (error: Error) => logger.error({ err: error }, 'embedded MQTT broker error'));
  broker.on('client', (client) => logger.debug({ clientId: client.id }, 'MQTT client connected'));
  broker.on('clientDisconnect', (client) =>
    logger.debug({ clientId: client.id }, 'MQTT client disconnected'),
  );
  broker.on('clientError', (client, error) =>
    logger.debug({ clientId: client.id, err: error }, `MQTT client error: ${error.message}`),
  );
  broker.on('connectionError', (client, error) =>
    logger.debug({ clientId: client.id, err: error }, `MQTT connection error: ${error.message}`),
  );
}

/** Hooks left `undefined` must not replace Aedes' defaults. */
function definedHooks(hooks: BrokerHooks = {}): BrokerHooks {
  return Object.fromEntries(Object.entries(hooks).filter(([, hook]) => hook !== undefined));
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise<void>((resolve) => broker.close(() => resolve()));
}

/** Host as written in a URL a client can use: wildcard addresses become loopback, IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
