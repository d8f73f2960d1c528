import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LiveEvent, LiveFeed } from '../../connectors/live/live-feed.ts';
import { type Clock, every, systemClock } from '../../engine/time/clock.ts';
import { SseConnection } from '../live/sse-connection.ts';
import { SeqSchema } from '../schemas/identifiers.ts';

/** Options of {@link liveRoutes}. */
export interface LiveRoutesOptions {
  readonly liveFeed: LiveFeed;
  /** Drives the heartbeat. Default {@link systemClock}. */
  readonly clock?: Clock;
  /** Period of the `: heartbeat` comment. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Per-client send buffer bound, see {@link SseConnection}. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

const EVENT_TYPE = '[a-z][a-z0-9_-]{0,31}';

const LiveQuerySchema = Type.Object({
  types: Type.Optional(
    Type.String({
      pattern: `^${EVENT_TYPE}(,${EVENT_TYPE}){0,15}$`,
      description: 'comma-separated event types, e.g. aggregate,anomaly',
    }),
  ),
  after: Type.Optional(SeqSchema),
});

const LiveHeadersSchema = Type.Object({
  'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
});

/**
 * `GET /api/live?types=aggregate,...&after=<seq>`: the live feed as Server-Sent Events
 * (`id: <seq>`, `event: <type>`, `data: <json>`). Events newer than `Last-Event-ID` (sent by a
 * reconnecting browser) or else `after` are replayed first from the feed's ring; without either, only
 * new events are sent. A `: heartbeat` comment goes out every `heartbeatMs`. The feed listener and
 * the heartbeat stop when the client goes away; a client too slow to keep up is dropped.
 *
 * @example
 * const source = new EventSource(`/api/live?types=aggregate&after=${seq}`);
 * source.addEventListener('aggregate', (e) => draw(JSON.parse(e.data)));
 */
export const liveRoutes: FastifyPluginAsyncTypebox<LiveRoutesOptions> = async (app, options) => {
  const feed = options.liveFeed;
  const clock = options.clock ?? systemClock;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<SseConnection>();

  // Hijacked streams never end by themselves: close them so that app.close() does not hang.
  app.addHook('preClose', async () => {
    for (const connection of open) connection.close();
  });

  app.get(
    '/api/live',
    { schema: { querystring: LiveQuerySchema, headers: LiveHeadersSchema } },
    (request, reply) => {
      const types = request.query.types === undefined ? undefined : new Set(request.query.types.split(','));
      const wanted = (event: LiveEvent) => types === undefined || types.has(event.type);
      const lastEventId = request.headers['last-event-id'];
      const after = lastEventId !== undefined ? Number(lastEventId) : request.query.after;

      reply.hijack();
      const connection = new SseConnection(reply.raw, {
        ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
        onOverflow: (bytes) =>
          request.log.warn({ bufferedBytes: bytes }, 'dropped a live-feed client that could not keep up'),
      });
      connection.open();
      // Replay and subscribe in the same tick: publish() is synchronous, so nothing falls in between.
      if (after !== undefined) {
        for (const event of feed.recent({ afterSeq: after })) if (wanted(event)) connection.sendEvent(event);
      }
      if (connection.closed) return;
      const unsubscribe = feed.subscribe((event) => {
        if (wanted(event)) connection.sendEvent(event);
      });
      const cancelHeartbeat = every(clock, heartbeatMs, () => connection.sendComment('heartbeat'));
      open.add(connection);
      connection.onClose(() => {
        unsubscribe();
        cancelHeartbeat();
        open.delete(connection);
      });
    },
  );
};
