/**
 * One example's features by name (River's `dict`): features may appear and disappear from one
 * record to the next, and a model treats a missing feature as absent (not as 0 unless it says so).
 * Values are finite numbers.
 *
 * @example
 * const x: Features = { temperature: 21.5, humidity: 40, hourSin: 0.5 };
 */
export type Features = Readonly<Record<string, number>>;

/** A class label: what a classifier predicts (the breast-cancer set uses 0 and 1). */
export type ClassLabel = string | number;
