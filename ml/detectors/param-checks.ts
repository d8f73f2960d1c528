/**
 * Checks a detector's integer hyperparameter in its constructor (the registry checks parsed ones
 * against the spec; this guards direct construction). Throws an error naming detector and parameter.
 *
 * @example
 * checkInteger('rolling-z-score', 'window', 1, 2); // throws: rolling-z-score: window must be an integer >= 2, got 1
 */
export function checkInteger(kind: string, name: string, value: number, min: number, max?: number): void {
  if (!Number.isSafeInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
    throw new Error(`${kind}: ${name} must be an integer ${range}, got ${value}`);
  }
}

/**
 * Checks a numeric hyperparameter lies in `(min, max]` (`lowerOpen`, the default) or `[min, max]`.
 *
 * @example
 * checkNumber('ewma', 'alpha', 0, 0, 1); // throws: ewma: alpha must be > 0 and <= 1, got 0
 */
export function checkNumber(
  kind: string,
  name: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
  lowerOpen = true,
): void {
  const aboveMin = lowerOpen ? value > min : value >= min;
  if (!Number.isFinite(value) || !aboveMin || value > max) {
    const lower = `${lowerOpen ? '>' : '>='} ${min}`;
    const range = max === Number.POSITIVE_INFINITY ? lower : `${lower} and <= ${max}`;
    throw new Error(`${kind}: ${name} must be ${range}, got ${value}`);
  }
}
