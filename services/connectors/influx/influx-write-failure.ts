/**
 * What a failed InfluxDB request means for the writer:
 * - `transient`: the server is unreachable, overloaded or timing out (network errors, 5xx, 408,
 *   429), or refuses our credentials (401, 403: an operator can fix that while we wait). Retry.
 * - `missing-database`: 404 "database not found" (someone dropped it). Create it, then retry.
 * - `permanent`: any other 4xx: a field type conflict, a point that does not parse, a "partial
 *   write", a body too large. Sending the same points again cannot succeed: drop them.
 */
export type WriteFailureKind = 'transient' | 'missing-database' | 'permanent';

export interface WriteFailure {
  readonly kind: WriteFailureKind;
  /** HTTP status, when the server answered. */
  readonly status?: number;
  /** The server's own words when it gave some (`{"error": "..."}`), else the error's message. */
  readonly reason: string;
  /** For a partial write: how many points InfluxDB says it dropped (the others were written). */
  readonly droppedPoints?: number;
}

/**
 * Classifies an error from the `influx` client (its `RequestError` carries the response as `res`)
 * or from any writer that sets `statusCode` / `status` on its errors.
 *
 * @example
 * classifyWriteFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
 * // { kind: 'transient', reason: 'connect ECONNREFUSED' }
 * classifyWriteFailure(Object.assign(new Error('A 400 Bad Request error occurred: {"error":"partial write: field type conflict dropped=2"}'), { statusCode: 400 }));
 * // { kind: 'permanent', status: 400, reason: 'partial write: field type conflict dropped=2', droppedPoints: 2 }
 */
export function classifyWriteFailure(error: unknown): WriteFailure {
  if (error instanceof PointsRefusedError) return { kind: 'permanent', reason: error.message };
  const status = statusOf(error);
  const reason = reasonOf(error);
  const withStatus = status === undefined ? {} : { status };
  if (status === undefined || status < 400 || status >= 500 || [401, 403, 408, 429].includes(status)) {
    return { kind: 'transient', ...withStatus, reason };
  }
  if (status === 404 && /database not found/i.test(reason))
    return { kind: 'missing-database', status, reason };
  if (status === 404) return { kind: 'transient', status, reason };
  const dropped = /\bdropped=(\d+)/.exec(reason)?.[1];
  return {
    kind: 'permanent',
    status,
    reason,
    ...(dropped !== undefined ? { droppedPoints: Number(dropped) } : {}),
  };
}

/**
 * The writer threw before sending anything (e.g. the `influx` client's schema check found an
 * unknown field): the same points would be refused again, so this is always `permanent`.
 */
export class PointsRefusedError extends Error {
  override readonly name = 'PointsRefusedError';

  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`the client refused the points before sending them: ${detail}`, { cause });
  }
}

/** A short description for logs: `HTTP 400: partial write: ...` or the network error. */
export function describeWriteFailure(failure: WriteFailure): string {
  return failure.status === undefined ? failure.reason : `HTTP ${failure.status}: ${failure.reason}`;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { res?: { statusCode?: unknown }; statusCode?: unknown; status?: unknown };
  for (const candidate of [e.res?.statusCode, e.statusCode, e.status]) {
    if (typeof candidate === 'number' && Number.isInteger(candidate)) return candidate;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const body = /error occurred: (.*)$/s.exec(message)?.[1] ?? message;
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { error?: unknown }).error === 'string'
    ) {
      return (parsed as { error: string }).error.trim();
    }
  } catch {
    // not JSON: keep the text as it is
  }
  const code = (error as { code?: unknown } | null)?.code;
  const text = body.trim() || (typeof code === 'string' ? code : 'unknown error');
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}
