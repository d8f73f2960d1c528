/**
 * Why the model registry cannot answer a request, as a stable code (the API's error code, see
 * `services/api/errors.ts` for the HTTP status of each):
 *
 * - `EDDY_MODEL_NOT_FOUND`: no model of that name.
 * - `EDDY_MODEL_NOT_READY`: the model is declared but has published no version yet.
 * - `EDDY_MODEL_KEY_REQUIRED`: the model has a model per key, and the request names none.
 * - `EDDY_MODEL_KEY_NOT_FOUND`: the model has no version for that key.
 * - `EDDY_MODEL_VERSION_NOT_FOUND`: the key has no such version in its history.
 * - `EDDY_MODEL_SNAPSHOT_EXPIRED`: the version is in the history, its snapshot no longer kept.
 * - `EDDY_MODEL_INVALID_INPUT`: features for a forecaster, timestamps for the others, ...
 * - `EDDY_MODEL_CANNOT_PREDICT`: a transformer: it transforms features, it predicts nothing.
 * - `EDDY_MODEL_RESTORE_FAILED`: the snapshot could not be restored into a fresh estimator.
 */
export type ModelServingErrorCode =
  | 'EDDY_MODEL_NOT_FOUND'
  | 'EDDY_MODEL_NOT_READY'
  | 'EDDY_MODEL_KEY_REQUIRED'
  | 'EDDY_MODEL_KEY_NOT_FOUND'
  | 'EDDY_MODEL_VERSION_NOT_FOUND'
  | 'EDDY_MODEL_SNAPSHOT_EXPIRED'
  | 'EDDY_MODEL_INVALID_INPUT'
  | 'EDDY_MODEL_CANNOT_PREDICT'
  | 'EDDY_MODEL_RESTORE_FAILED';

/**
 * A request the model registry cannot serve; the message names the model, key or version and
 * says what to ask instead.
 *
 * @example
 * try { registry.versions('nope'); } catch (e) { (e as ModelServingError).code; } // 'EDDY_MODEL_NOT_FOUND'
 */
export class ModelServingError extends Error {
  override readonly name = 'ModelServingError';

  constructor(
    readonly code: ModelServingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * At most `max` of `items`, quoted and comma-separated, with `, …` when there are more.
 *
 * @example
 * someOf(['a', 'b', 'c'], 2); // '"a", "b", …'
 */
export function someOf(items: Iterable<string>, max = 5): string {
  const shown: string[] = [];
  let more = false;
  for (const item of items) {
    if (shown.length === max) {
      more = true;
      break;
    }
    shown.push(JSON.stringify(item));
  }
  return shown.join(', ') + (more ? ', …' : '');
}
