import type { IPoint } from 'influx';
import type { EventLoopTurns } from '../../common/event-loop-turns.ts';
import type { Logger } from '../../common/logger.ts';
import type { InfluxWriter } from './influx-sink-options.ts';
import { describeWriteFailure, PointsRefusedError, type WriteFailure } from './influx-write-failure.ts';

/** Points in one HTTP write request at most (a few ms of line-protocol serialisation). */
export const POINTS_PER_REQUEST = 250;

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
    /** With `turns`, each request is serialised in a turn of its own (one at a time, whichever lane sends it). */
    private readonly options: { readonly turns?: EventLoopTurns | undefined } = {},
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

  /**
   * Writes `batch` in requests of at most {@link POINTS_PER_REQUEST}, one after the other: the
   * client turns a request's points into line protocol synchronously (a few µs a point), so a
   * 5,000-point batch in one request would hold the thread for tens of ms; between two requests
   * records flow. With `turns`, each request is serialised in its own turn of the event loop (see
   * {@link EventLoopTurns}), never in the caller's: a checkpoint's flush makes every lane send at
   * once, and their first requests serialised together held the thread for up to 15 ms. A request
   * that fails fails the batch, which is sent again whole (InfluxDB overwrites a point with the
   * same series and time, so the requests that succeeded repeat harmlessly).
   */
  private async write(batch: IPoint[]): Promise<void> {
    for (let start = 0; start < batch.length; start += POINTS_PER_REQUEST) {
      const turns = this.options.turns;
      if (turns !== undefined) await turns.next();
      const points =
        batch.length <= POINTS_PER_REQUEST ? batch : batch.slice(start, start + POINTS_PER_REQUEST);
      let written: Promise<void>;
      try {
        written = this.writer.writePoints(points);
      } catch (error) {
        throw new PointsRefusedError(error);
      }
      await written;
      this.reachable = true;
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
