import type { EstimatorSnapshot, OnlineEstimator } from './estimator.ts';

/**
 * Checks a snapshot fits `estimator` before `restore` uses it: same kind, a version it reads, the
 * same hyperparameters. Throws an error naming what differs.
 */
export function checkSnapshot(
  estimator: OnlineEstimator,
  snapshot: EstimatorSnapshot,
  version: number,
): void {
  if (snapshot.kind !== estimator.kind) {
    throw new Error(`cannot restore a ${snapshot.kind} snapshot into a ${estimator.kind}`);
  }
  if (snapshot.version !== version) {
    throw new Error(
      `${estimator.kind}: snapshot version ${snapshot.version} is not the version this Eddy reads (${version})`,
    );
  }
  const saved = JSON.stringify(sortKeys(snapshot.params));
  const current = JSON.stringify(sortKeys(estimator.params));
  if (saved !== current) {
    throw new Error(
      `${estimator.kind}: the snapshot was taken with other hyperparameters (${saved}, now ${current})`,
    );
  }
}

function sortKeys(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(params)
      .sort()
      .map((key) => [key, params[key]]),
  );
}
