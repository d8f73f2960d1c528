import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { LiveFeed } from '../../connectors/live/live-feed.ts';
import { isWindowAggregate, type WindowAggregate } from '../../domain/window-aggregate.ts';
import { DeviceIdSchema, MetricNameSchema, SeqSchema } from '../schemas/identifiers.ts';
import { toWindowAggregateBody, WindowAggregateSchema } from '../schemas/window-aggregate.ts';

/** Largest `limit` a client may ask for. */
export const MAX_RECENT_AGGREGATES = 5_000;
/** `limit` when the client gives none. */
export const DEFAULT_RECENT_AGGREGATES = 1_000;

/** Options of {@link aggregatesRoutes}. */
export interface AggregatesRoutesOptions {
  readonly liveFeed: LiveFeed;
}

const RecentQuerySchema = Type.Object({
  device: Type.Optional(DeviceIdSchema),
  metric: Type.Optional(MetricNameSchema),
  after: Type.Optional(SeqSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECENT_AGGREGATES })),
});

const RecentResponseSchema = Type.Object({
  seq: SeqSchema,
  aggregates: Type.Array(WindowAggregateSchema),
});

/**
 * `GET /api/aggregates/recent?device=&metric=&after=<seq>&limit=`: the newest window aggregates still
 * in the live feed's ring (events of type `aggregate`), oldest first, at most `limit` of them.
 * `seq` is the feed's newest sequence number at the time of the answer: open `/api/live?after=<seq>`
 * next to receive exactly what follows, with no gap and no duplicate. (After a server restart `seq` may
 * be lower than the client's `after`: the client should start again from the returned `seq`.)
 *
 * @example
 * // GET /api/aggregates/recent?metric=temperature&limit=2
 * // → {"seq":41,"aggregates":[{"device":"boiler-1","metric":"temperature","window":"10s",...}, ...]}
 */
export const aggregatesRoutes: FastifyPluginAsyncTypebox<AggregatesRoutesOptions> = async (app, options) => {
  const feed = options.liveFeed;
  app.get(
    '/api/aggregates/recent',
    { schema: { querystring: RecentQuerySchema, response: { 200: RecentResponseSchema } } },
    async (request) => {
      const { device, metric, after = 0, limit = DEFAULT_RECENT_AGGREGATES } = request.query;
      const head = feed.lastSeq;
      const matching: WindowAggregate[] = [];
      for (const event of feed.recent({ type: 'aggregate', afterSeq: after })) {
        const aggregate = event.data;
        if (!isWindowAggregate(aggregate)) continue;
        if (device !== undefined && aggregate.device !== device) continue;
        if (metric !== undefined && aggregate.metric !== metric) continue;
        matching.push(aggregate);
      }
      const newest = matching.slice(Math.max(0, matching.length - limit));
      return { seq: head, aggregates: newest.map(toWindowAggregateBody) };
    },
  );
};
