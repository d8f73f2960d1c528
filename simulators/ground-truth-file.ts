import { createWriteStream, type WriteStream } from 'node:fs';
import { type AnomalyLabel, groundTruthLine } from './ground-truth.ts';

/**
 * Appends ground-truth labels to a JSONL file (truncated on open). Writes are buffered by the
 * stream; {@link GroundTruthFile.close} flushes them.
 *
 * @example
 * const file = await GroundTruthFile.open('/tmp/truth.jsonl');
 * file.write({ device: 'sim-0001', metric: 'temperature', kind: 'spike', start: 0, end: 1000 });
 * await file.close();
 */
export class GroundTruthFile {
  private error: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => {
      this.error = error;
    });
  }

  /** Opens (creates or truncates) `path`; rejects with a clear message if it cannot be written. */
  static open(path: string): Promise<GroundTruthFile> {
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(path, { flags: 'w' });
      stream.once('error', (error) => {
        reject(
          new Error(`cannot write the ground truth file ${path}: ${error.message}; check the path exists`),
        );
      });
      stream.once('open', () => {
        stream.removeAllListeners('error');
        resolve(new GroundTruthFile(path, stream));
      });
    });
  }

  write(label: AnomalyLabel): void {
    if (this.error)
      throw new Error(`writing the ground truth file ${this.path} failed: ${this.error.message}`);
    this.stream.write(groundTruthLine(label));
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.end((error?: Error | null) => {
        const failure = error ?? this.error;
        if (failure)
          reject(new Error(`closing the ground truth file ${this.path} failed: ${failure.message}`));
        else resolve();
      });
    });
  }
}
