import type { FastifyInstance } from 'fastify';

/** Where to listen. `port: 0` picks a free port. */
export interface ListenOptions {
  readonly port: number;
  readonly host: string;
}

/**
 * Starts serving an app made by `buildApp()`; resolves with the address it listens on
 * (e.g. `http://127.0.0.1:8080`, or `https://127.0.0.1:8080` for an app built with `https`). The
 * caller (the CLI) reads the port and host from its configuration.
 *
 * @example
 * const url = await listen(await buildApp(deps), { port: 8080, host: '127.0.0.1' });
 */
export async function listen(app: FastifyInstance, options: ListenOptions): Promise<string> {
  return app.listen({ port: options.port, host: options.host });
}
