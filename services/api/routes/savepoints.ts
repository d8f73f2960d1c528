import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiErrors } from '../errors.ts';

/** What a savepoint request returns: where it is and what it holds. */
export interface SavepointTaken {
  readonly id: number;
  /** Absolute directory of the savepoint: pass it to `eddy start --from-savepoint`. */
  readonly path: string;
  readonly bytes: number;
  readonly keys: number;
  readonly durationMs: number;
}

/** Takes savepoints of the running job: `RunningEddy.savepoint` fits. */
export interface SavepointTaker {
  /**
   * Takes a savepoint named `name` (a fresh name when absent) under the savepoint directory; with
   * `stop`, then stops Eddy without taking or committing anything after it (Flink's stop with
   * savepoint). Rejects with {@link SavepointExistsError} when the name is taken.
   */
  savepoint(name?: string, options?: { readonly stop?: boolean }): Promise<SavepointTaken>;
}

/** A savepoint of that name exists already. */
export class SavepointExistsError extends Error {
  constructor(readonly savepointName: string) {
    super(`savepoint "${savepointName}" exists already`);
    this.name = 'SavepointExistsError';
  }
}

/** A savepoint name: one path segment, so a request can never write outside the savepoint directory. */
export const SAVEPOINT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const SavepointRequestSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        pattern: SAVEPOINT_NAME_PATTERN,
        description: 'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64',
      }),
    ),
    stop: Type.Optional(
      Type.Boolean({
        description: 'stop Eddy right after the savepoint (to move the job without losing messages)',
      }),
    ),
  },
  { additionalProperties: false },
);

const SavepointTakenSchema = Type.Object({
  id: Type.Integer({ minimum: 0 }),
  path: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
  keys: Type.Integer({ minimum: 0 }),
  durationMs: Type.Number({ minimum: 0 }),
});

export interface SavepointsRoutesOptions {
  readonly savepoints: SavepointTaker;
}

/**
 * `POST /api/savepoints` with an optional `{"name": "...", "stop": true}`: takes a savepoint of the
 * running job and answers 201 with its `path` (for `eddy start --from-savepoint PATH`), size, keys
 * and duration; with `stop`, Eddy then shuts down (nothing is acknowledged after the savepoint).
 * The name is one path segment (no `/`, no `..`): savepoints go only under the savepoint directory.
 * A taken name is 409 `EDDY_SAVEPOINT_EXISTS`; a savepoint that cannot complete is 503
 * `EDDY_SAVEPOINT_FAILED` with the reason.
 */
export const savepointsRoutes: FastifyPluginAsyncTypebox<SavepointsRoutesOptions> = async (app, options) => {
  app.post(
    '/api/savepoints',
    {
      schema: { body: SavepointRequestSchema, response: { 201: SavepointTakenSchema } },
      // A bare `curl -X POST` (no body) asks for an unnamed savepoint.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { name, stop } = request.body;
      try {
        const taken = await options.savepoints.savepoint(name, stop ? { stop } : {});
        return reply.code(201).send(taken);
      } catch (error) {
        if (error instanceof SavepointExistsError) throw ApiErrors.savepointExists(error.savepointName);
        throw ApiErrors.savepointFailed((error as Error).message, error);
      }
    },
  );
};
