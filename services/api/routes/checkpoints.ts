import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CheckpointInfo } from '../../engine/checkpoint/checkpoint-types.ts';

/** What the route reads checkpoints from: a `CheckpointStore` fits. */
export interface CheckpointLister {
  list(): Promise<CheckpointInfo[]>;
}

/** Options of {@link checkpointsRoutes}. */
export interface CheckpointsRoutesOptions {
  readonly checkpoints: CheckpointLister;
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** One checkpoint, as `eddy checkpoints --json` prints it. */
export const CheckpointInfoSchema = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  kind: Nullable(Type.Union([Type.Literal('checkpoint'), Type.Literal('savepoint')])),
  dir: Type.String(),
  status: Type.Union([Type.Literal('complete'), Type.Literal('corrupt'), Type.Literal('incomplete')]),
  createdAt: Nullable(Type.Number()),
  durationMs: Nullable(Type.Number()),
  bytes: Type.Integer({ minimum: 0 }),
  keys: Nullable(Type.Integer({ minimum: 0 })),
  reason: Type.Optional(Type.String()),
});

const CheckpointsResponseSchema = Type.Object({ checkpoints: Type.Array(CheckpointInfoSchema) });

/**
 * `GET /api/checkpoints`: the checkpoints on disk, newest first, each with its time (`createdAt`,
 * epoch ms), size, duration, keys and status (`complete`, `corrupt` with a `reason`, `incomplete`).
 * Every file of a checkpoint is checked against its checksum on each request.
 *
 * @example
 * await app.register(checkpointsRoutes, { checkpoints: store });
 * // GET /api/checkpoints → {"checkpoints":[{"id":12,"kind":"checkpoint","status":"complete","bytes":48211,...}]}
 */
export const checkpointsRoutes: FastifyPluginAsyncTypebox<CheckpointsRoutesOptions> = async (
  app,
  options,
) => {
  app.get('/api/checkpoints', { schema: { response: { 200: CheckpointsResponseSchema } } }, async () => ({
    checkpoints: await options.checkpoints.list(),
  }));
};
