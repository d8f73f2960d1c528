/**
 * Hands out turns of the event loop, one at a time: each `next()` resolves in its own iteration
 * (a `setImmediate` after the previous turn ended), so that synchronous work done in turns (such as
 * serialising InfluxDB requests for several lanes at once) never runs back to back: the loop polls
 * I/O between two turns, and a record that arrived waits for one turn's work, not for all of them.
 *
 * @example
 * const turns = new EventLoopTurns();
 * await turns.next(); // then serialise one request
 */
export class EventLoopTurns {
  private last: Promise<void> = Promise.resolve();

  next(): Promise<void> {
    const turn = this.last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.last = turn;
    return turn;
  }
}
