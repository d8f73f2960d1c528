import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The API's error catalog: every error a client can see has a stable `code`, a message that says
 * what went wrong and what to do next, and an HTTP status. Responses always have the shape
 * `{"error": {"code": "...", "message": "..."}}` (see {@link errorBody}).
 *
 * @example
 * throw ApiErrors.dashboardsNotBuilt('/srv/eddy/dashboards/dist');
 * // → 503 {"error":{"code":"EDDY_DASHBOARDS_NOT_BUILT","message":"Dashboard assets not found in ..."}}
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** Builds the error response body. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Factories for every error the API answers with, one per code. */
export const ApiErrors = {
  /** A request failed its schema (query string, headers, params or body). */
  invalidRequest: (detail: string, cause?: unknown) =>
    new ApiError('EDDY_INVALID_REQUEST', `Invalid request: ${detail}.`, 400, { cause }),

  /** No route for this method and URL. */
  routeNotFound: (method: string, url: string) =>
    new ApiError(
      'EDDY_NOT_FOUND',
      `No such resource: ${method} ${url}. The API lives under /api (try GET /api/health).`,
      404,
    ),

  /** The static dashboard bundle has not been built into `dir`. */
  dashboardsNotBuilt: (dir: string) =>
    new ApiError(
      'EDDY_DASHBOARDS_NOT_BUILT',
      `Dashboard assets not found in ${dir}: run \`npm run build:dashboards\`, then reload this page.`,
      503,
    ),

  /** A savepoint of that name exists already: savepoints are kept, never overwritten. */
  savepointExists: (name: string) =>
    new ApiError(
      'EDDY_SAVEPOINT_EXISTS',
      `A savepoint named "${name}" exists already; choose another name (savepoints are never overwritten).`,
      409,
    ),

  /** The savepoint could not be taken (a task declined, it timed out, the job is stopping). */
  savepointFailed: (reason: string, cause?: unknown) =>
    new ApiError('EDDY_SAVEPOINT_FAILED', `The savepoint could not be taken: ${reason}.`, 503, { cause }),

  /** No model of that name (`GET /api/models` lists them). The message comes from the model registry, as below. */
  modelNotFound: (message: string) => new ApiError('EDDY_MODEL_NOT_FOUND', message, 404),

  /**
   * The model is declared but has published no version yet. 409, not 503: the server is fine and
   * the condition is the model's state, which the client can see (`latestVersion: null`) and
   * retry on; a 5xx would be logged as a server error and page whoever watches them.
   */
  modelNotReady: (message: string) => new ApiError('EDDY_MODEL_NOT_READY', message, 409),

  /** The model keeps a model per device or series, and the request names no key. */
  modelKeyRequired: (message: string) => new ApiError('EDDY_MODEL_KEY_REQUIRED', message, 400),

  /** The model has no version for that key. */
  modelKeyNotFound: (message: string) => new ApiError('EDDY_MODEL_KEY_NOT_FOUND', message, 404),

  /** Past the client address's request budget (`--rate-limit`); the response has `Retry-After`. */
  rateLimited: (message: string, status = 429) => new ApiError('EDDY_RATE_LIMITED', message, status),

  /** The key has no such version in its history. */
  modelVersionNotFound: (message: string) => new ApiError('EDDY_MODEL_VERSION_NOT_FOUND', message, 404),

  /** The version is in the history, but its snapshot is no longer kept: gone for good. */
  modelSnapshotExpired: (message: string) => new ApiError('EDDY_MODEL_SNAPSHOT_EXPIRED', message, 410),

  /** The request does not fit the model: features for a forecaster, timestamps for the others, ... */
  modelInvalidInput: (message: string) => new ApiError('EDDY_MODEL_INVALID_INPUT', message, 400),

  /** The model is a transformer: it transforms features and predicts nothing. */
  modelCannotPredict: (message: string) => new ApiError('EDDY_MODEL_CANNOT_PREDICT', message, 400),

  /** The version's snapshot could not be restored for serving (logged with its cause). */
  modelRestoreFailed: (message: string, cause?: unknown) =>
    new ApiError('EDDY_MODEL_RESTORE_FAILED', message, 500, { cause }),

  /**
   * A mutating route was called without a valid `Authorization: Bearer <token>`. The message never
   * contains the token (neither the expected one nor the one sent); the route sets `WWW-Authenticate`.
   */
  unauthorized: (reason: string) =>
    new ApiError(
      'EDDY_UNAUTHORIZED',
      `${reason}: send the header \`Authorization: Bearer <token>\` with the API token ` +
        '(EDDY_API_TOKEN, or the file api-token in the data directory, printed at first start).',
      401,
    ),

  /** No anomaly with that device, metric, detector and time (`GET /api/anomalies` lists them). */
  anomalyNotFound: (what: string) =>
    new ApiError(
      'EDDY_ANOMALY_NOT_FOUND',
      `No anomaly ${what}: take device, metric, detector and ts from GET /api/anomalies.`,
      404,
    ),

  /** The history (InfluxDB) is not configured or did not answer: series and anomalies cannot be read. */
  historyUnavailable: (reason: string, cause?: unknown) =>
    new ApiError(
      'EDDY_HISTORY_UNAVAILABLE',
      `The history in InfluxDB is not available: ${reason}. Check GET /api/health (influx) and retry.`,
      503,
      { cause },
    ),

  /** No device with that id (`GET /api/devices` lists them). */
  deviceNotFound: (id: string) =>
    new ApiError(
      'EDDY_DEVICE_NOT_FOUND',
      `No device "${id}" in the registry: GET /api/devices lists them, POST /api/devices registers one.`,
      404,
    ),

  /** A registered device has that id already. */
  deviceExists: (id: string) =>
    new ApiError(
      'EDDY_DEVICE_EXISTS',
      `Device "${id}" is registered already: PATCH /api/devices/${id} to change it, ` +
        `POST /api/devices/${id}/credentials for a new password, or DELETE it first.`,
      409,
    ),

  /** A device field the schema lets through but the registry refuses (e.g. a reserved tag key). */
  deviceInvalid: (message: string) => new ApiError('EDDY_DEVICE_INVALID', `Invalid device: ${message}.`, 400),

  /** Anything unexpected; the details go to the log, not to the client. */
  internal: (cause?: unknown) =>
    new ApiError(
      'EDDY_INTERNAL',
      'Internal server error: the details are in the server log. Retry, and report it if it persists.',
      500,
      { cause },
    ),
} as const;

/** The `validation` entries Fastify attaches to schema failures (Ajv / TypeBox shape). */
interface ValidationIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly schemaPath?: string;
  readonly params?: Record<string, unknown>;
}

const PART_NAMES: Record<string, string> = {
  querystring: 'query parameter',
  headers: 'header',
  params: 'path parameter',
  body: 'body field',
};

/**
 * Turns Fastify's schema failure into one readable sentence, e.g.
 * `query parameter "limit" must be <= 1000`.
 */
export function describeValidation(issues: readonly ValidationIssue[], context: string | undefined): string {
  const part = PART_NAMES[context ?? ''] ?? 'field';
  const sentences = issues.slice(0, 5).map((issue) => {
    const missing = issue.keyword === 'required' ? issue.params?.requiredProperties : undefined;
    const name =
      pointerToName(issue.instancePath) ??
      (Array.isArray(missing) ? missing.join(', ') : undefined) ??
      (typeof issue.params?.missingProperty === 'string' ? issue.params.missingProperty : undefined);
    // JSON quotes: a key sent by a client may hold quotes or control characters.
    const subject = name === undefined ? `${context ?? 'request'}` : `${part} ${JSON.stringify(name)}`;
    // A strict object's unknown key reaches us as "schema is false" on `additionalProperties`.
    if (issue.keyword === 'boolean' && issue.schemaPath?.endsWith('additionalProperties')) {
      return `${subject} is not a known field`;
    }
    return `${subject} ${issue.message ?? 'is invalid'}`;
  });
  return [...new Set(sentences)].join('; ');
}

/** Longest field name quoted in a message: an unknown key may be a megabyte long. */
const MAX_NAME_LENGTH = 64;

function pointerToName(pointer: string | undefined): string | undefined {
  if (!pointer) return undefined;
  const name = pointer.replace(/^\//, '').replaceAll('/', '.').replaceAll('~1', '/').replaceAll('~0', '~');
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
}

/** Maps whatever was thrown into a catalog error. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as Partial<FastifyError> | undefined;
  if (fastifyError?.validation) {
    return ApiErrors.invalidRequest(
      describeValidation(fastifyError.validation, fastifyError.validationContext),
      error,
    );
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof fastifyError?.code === 'string') {
    // Fastify's own client errors (bad content type, body too large, ...) keep their code and message.
    return new ApiError(fastifyError.code, fastifyError.message ?? 'Bad request', status, { cause: error });
  }
  return ApiErrors.internal(error);
}

/** Fastify error handler: renders every error as `{"error": {"code", "message"}}`. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) request.log.error({ err: error }, apiError.message);
  else request.log.debug({ code: apiError.code }, apiError.message);
  return reply.code(apiError.statusCode).send(errorBody(apiError.code, apiError.message));
}

/** Fastify not-found handler, in the same format. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = (request.url.split('?')[0] ?? '/').slice(0, 200);
  const error = ApiErrors.routeNotFound(request.method, path);
  return reply.code(error.statusCode).send(errorBody(error.code, error.message));
}
