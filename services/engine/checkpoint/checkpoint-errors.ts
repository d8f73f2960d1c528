/**
 * Errors of checkpoint storage, each with a stable `code` and a message saying what is wrong and
 * what to do. `CorruptCheckpointError` carries the reason alone in `reason` (for log lines and
 * `eddy checkpoints`), the message adds where.
 *
 * @example
 * new CorruptCheckpointError('/data/chk-12', 'checksum mismatch in window-agg.0.snap').message;
 * // 'checkpoint /data/chk-12 cannot be used: checksum mismatch in window-agg.0.snap'
 */
export class CheckpointError extends Error {
  override readonly name: string = 'CheckpointError';

  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A checkpoint or savepoint that is damaged, partial (code `EDDY_CHECKPOINT_INCOMPLETE`) or written by
 * a newer Eddy (`EDDY_CHECKPOINT_FORMAT_TOO_NEW`): never loaded.
 */
export class CorruptCheckpointError extends CheckpointError {
  override readonly name = 'CorruptCheckpointError';

  constructor(
    readonly dir: string,
    readonly reason: string,
    options?: { cause?: unknown; code?: string; what?: 'checkpoint' | 'savepoint' },
  ) {
    super(
      options?.code ?? 'EDDY_CHECKPOINT_CORRUPT',
      `${options?.what ?? 'checkpoint'} ${dir} cannot be used: ${reason}`,
      options,
    );
  }
}

/** A path given as a savepoint that is not one (no manifest, not Eddy's format). */
export class NotASavepointError extends CheckpointError {
  override readonly name = 'NotASavepointError';

  constructor(path: string, why: string) {
    super('EDDY_NOT_A_SAVEPOINT', `not a savepoint: ${path} (${why})`);
  }
}

/** Saved state whose shape does not match the running operator's: restoring it would be wrong. */
export class IncompatibleStateError extends CheckpointError {
  override readonly name = 'IncompatibleStateError';

  constructor(
    readonly uid: string,
    readonly difference: string,
  ) {
    super(
      'EDDY_INCOMPATIBLE_STATE',
      `cannot restore operator "${uid}": its state changed shape since the snapshot (${difference}). ` +
        'Restore a snapshot taken by a compatible job, or start without it.',
    );
  }
}

/** Reason used when a format version is newer than this Eddy understands. */
export function newerFormatReason(version: number, supported: number): string {
  return `format version ${version} is newer than this Eddy (${supported}): upgrade Eddy to read it`;
}
