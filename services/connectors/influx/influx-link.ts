import type { IPoint } from 'influx';
import type { Logger } from '../../common/logger.ts';
import type { InfluxWriter } from './influx-sink-options.ts';
import { describeWriteFailure, PointsRefusedError, type WriteFailure } from './influx-write-failure.ts';

/**
 * An `InfluxSink`'s link to InfluxDB: one write attempt of a batch (re-creating the database first
 * when a write said it is missing), and what the last contact said (`reachable`, `lastError`).
 *
 * @example
 * const link = new InfluxLink(resolveInfluxWriter(options, 'influx'), logger, 'influx');
 * await link.attempt(points).catch((error) => link.failed(classifyWriteFailure(error)));
 */
export class InfluxLink {
  /** Whether the last contact with InfluxDB (open, or a batch) succeeded. */
  reachable = false;
  lastError: string | undefined;
  private needsDatabase = false;

  constructor(
    private readonly writer: InfluxWriter,
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  /** One attempt to write `batch`; resolves once InfluxDB acknowledged it. */
  attempt(batch: IPoint[]): Promise<void> {
    return this.needsDatabase ? this.recreateDatabaseThenWrite(batch) : this.write(batch);
  }

  /** Records a failed attempt: its description, whether InfluxDB is reachable, a missing database. */
  failed(failure: WriteFailure): void {
    this.lastError = describeWriteFailure(failure);
    if (failure.kind !== 'permanent') this.reachable = false;
    if (failure.kind === 'missing-database') this.needsDatabase = true;
  }

  private write(batch: IPoint[]): Promise<void> {
    try {
      return this.writer.writePoints(batch).then(() => {
        this.reachable = true;
      });
    } catch (error) {
      return Promise.reject(new PointsRefusedError(error));
    }
  }

  private async recreateDatabaseThenWrite(batch: IPoint[]): Promise<void> {
    await this.writer.ensureDatabase();
    if (this.needsDatabase) {
      this.needsDatabase = false;
      this.logger.warn(
        { sink: this.name, endpoint: this.writer.endpoint },
        `${this.name}: re-created ${this.writer.endpoint}`,
      );
    }
    return this.write(batch);
  }
}
