import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModelVersion } from '../../../ml/operators/model-outputs.ts';
import type { ModelRegistry } from '../../../ml/operators/model-registry.ts';
import { ModelServingError } from '../../../ml/operators/model-registry-errors.ts';
import {
  DEFAULT_MODEL_KEYS_PAGE,
  type ModelPredictResult,
} from '../../../ml/operators/model-registry-types.ts';
import { type ApiError, ApiErrors } from '../errors.ts';
import {
  ModelDescriptionResponseSchema,
  ModelKeysQuerySchema,
  ModelNameParamsSchema,
  ModelSnapshotQuerySchema,
  ModelsListResponseSchema,
  ModelVersionsQuerySchema,
  ModelVersionsResponseSchema,
  PredictRequestSchema,
  PredictResponseSchema,
} from '../schemas/models.ts';

/** What the routes ask of the model registry: a `ModelRegistry` fits. */
export type ModelServing = Pick<ModelRegistry, 'list' | 'describe' | 'versions' | 'snapshot' | 'predict'>;

/** Options of {@link modelsRoutes}. */
export interface ModelsRoutesOptions {
  readonly models: ModelServing;
}

/**
 * The job's models (issue #5's registry and serving), schema-first:
 *
 * - `GET /api/models`: every model with its estimator, type, scope, keys, latest version.
 * - `GET /api/models/:name?limit=&offset=`: its hyperparameters and a page of its keys (by key;
 *   `limit` default 100, at most 1,000) with each key's latest version.
 * - `GET /api/models/:name/versions?key=`: a key's kept versions, newest first.
 * - `GET /api/models/:name/snapshot?key=&version=`: a version's `ModelVersion` JSON as a download.
 * - `POST /api/models/:name/predict` `{key?, version?, features? | timestamps?}`: a prediction.
 *
 * `key` may be left out for a global model only. Unknown model, key or version are 404
 * (`EDDY_MODEL_NOT_FOUND`, `EDDY_MODEL_KEY_NOT_FOUND`, `EDDY_MODEL_VERSION_NOT_FOUND`), a version
 * whose snapshot is no longer kept 410 `EDDY_MODEL_SNAPSHOT_EXPIRED`, a declared model without a
 * version yet 409 `EDDY_MODEL_NOT_READY`; malformed input 400 (`EDDY_INVALID_REQUEST` from the
 * schema, `EDDY_MODEL_INVALID_INPUT` / `EDDY_MODEL_KEY_REQUIRED` from the model). Nothing in a
 * request is evaluated: names and keys are matched against patterns, features are numbers.
 *
 * @example
 * await app.register(modelsRoutes, { models: registry });
 * // POST /api/models/boiler-fit/predict {"key":"boiler-1","features":{"humidity":40}}
 * // → {"model":"boiler-fit","key":"boiler-1","version":12,"prediction":21.3}
 */
export const modelsRoutes: FastifyPluginAsyncTypebox<ModelsRoutesOptions> = async (app, options) => {
  const models = options.models;

  app.get('/api/models', { schema: { response: { 200: ModelsListResponseSchema } } }, async () => ({
    models: models.list(),
  }));

  app.get(
    '/api/models/:name',
    {
      schema: {
        params: ModelNameParamsSchema,
        querystring: ModelKeysQuerySchema,
        response: { 200: ModelDescriptionResponseSchema },
      },
    },
    async (request) => {
      const { limit = DEFAULT_MODEL_KEYS_PAGE, offset = 0 } = request.query;
      return serving(() => models.describe(request.params.name, { limit, offset }));
    },
  );

  app.get(
    '/api/models/:name/versions',
    {
      schema: {
        params: ModelNameParamsSchema,
        querystring: ModelVersionsQuerySchema,
        response: { 200: ModelVersionsResponseSchema },
      },
    },
    async (request) => serving(() => models.versions(request.params.name, request.query.key)),
  );

  app.get(
    '/api/models/:name/snapshot',
    { schema: { params: ModelNameParamsSchema, querystring: ModelSnapshotQuerySchema } },
    async (request, reply) => {
      const { key, version } = request.query;
      const found = serving(() => models.snapshot(request.params.name, key, version));
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${snapshotFileName(found)}"`)
        .send(JSON.stringify(found));
    },
  );

  app.post(
    '/api/models/:name/predict',
    {
      schema: {
        params: ModelNameParamsSchema,
        body: PredictRequestSchema,
        response: { 200: PredictResponseSchema },
      },
    },
    async (request) => {
      const { timestamps } = request.body;
      if (timestamps) checkIncreasing(timestamps);
      return toWire(serving(() => models.predict(request.params.name, request.body)));
    },
  );
};

/**
 * The download's file name: `<model>_<key>_v<version>.json`, the key's `/` as `__` and `*` as
 * `global`; model names and keys are patterns of letters, digits, `_`, `.` and `-` (plus `/` and
 * `*`), so the name needs no quoting.
 *
 * @example
 * snapshotFileName({ model: 'fit', key: 'boiler-1/temperature', version: 3, ... }); // 'fit_boiler-1__temperature_v3.json'
 */
export function snapshotFileName(version: Pick<ModelVersion, 'model' | 'key' | 'version'>): string {
  const key = version.key === '*' ? 'global' : version.key.replaceAll('/', '__');
  return `${version.model}_${key}_v${version.version}.json`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** Runs a registry call, turning its refusals into catalog errors. */
function serving<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof ModelServingError) throw toApiError(error);
    throw error;
  }
}

function toApiError(error: ModelServingError): ApiError {
  switch (error.code) {
    case 'EDDY_MODEL_NOT_FOUND':
      return ApiErrors.modelNotFound(error.message);
    case 'EDDY_MODEL_NOT_READY':
      return ApiErrors.modelNotReady(error.message);
    case 'EDDY_MODEL_KEY_REQUIRED':
      return ApiErrors.modelKeyRequired(error.message);
    case 'EDDY_MODEL_KEY_NOT_FOUND':
      return ApiErrors.modelKeyNotFound(error.message);
    case 'EDDY_MODEL_VERSION_NOT_FOUND':
      return ApiErrors.modelVersionNotFound(error.message);
    case 'EDDY_MODEL_SNAPSHOT_EXPIRED':
      return ApiErrors.modelSnapshotExpired(error.message);
    case 'EDDY_MODEL_INVALID_INPUT':
      return ApiErrors.modelInvalidInput(error.message);
    case 'EDDY_MODEL_CANNOT_PREDICT':
      return ApiErrors.modelCannotPredict(error.message);
    case 'EDDY_MODEL_RESTORE_FAILED':
      return ApiErrors.modelRestoreFailed(error.message, error);
  }
}

function checkIncreasing(timestamps: readonly number[]): void {
  for (let i = 1; i < timestamps.length; i++) {
    if (timestamps[i]! <= timestamps[i - 1]!) {
      throw ApiErrors.invalidRequest(
        `body field "timestamps" must increase: timestamps[${i}] = ${timestamps[i]} is not after timestamps[${i - 1}] = ${timestamps[i - 1]}`,
      );
    }
  }
}

/** Non-finite numbers (which JSON cannot carry) as `null`. */
function toWire(result: ModelPredictResult) {
  const { prediction, proba, forecast } = result;
  return {
    model: result.model,
    key: result.key,
    version: result.version,
    ...(prediction === undefined
      ? {}
      : { prediction: typeof prediction === 'number' ? finite(prediction) : prediction }),
    ...(proba === undefined
      ? {}
      : { proba: Object.fromEntries(Object.entries(proba).map(([label, p]) => [label, finite(p)])) }),
    ...(forecast === undefined
      ? {}
      : {
          forecast: forecast.map((f) => ({
            ts: f.ts,
            value: finite(f.value),
            lower: finite(f.lower),
            upper: finite(f.upper),
          })),
        }),
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
