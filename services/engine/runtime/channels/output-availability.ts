/**
 * Whether a task can produce: it can while none of its outputs is full. Outputs call `block()` when
 * they run out of credit with a full batch, and `unblock()` when credit returns; listeners hear
 * about each change of the overall state (a source task pauses its source, an input gate stops
 * taking batches).
 *
 * @example
 * const availability = new OutputAvailability();
 * availability.onChange((available) => (available ? source.resume() : source.pause()));
 */
export class OutputAvailability {
  private blockedOutputs = 0;
  private readonly listeners: ((available: boolean) => void)[] = [];

  get available(): boolean {
    return this.blockedOutputs === 0;
  }

  block(): void {
    if (this.blockedOutputs++ === 0) this.notify(false);
  }

  unblock(): void {
    if (this.blockedOutputs === 0) throw new Error('unblock() without a matching block()');
    if (--this.blockedOutputs === 0) this.notify(true);
  }

  onChange(listener: (available: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Makes this availability also depend on `other` (a consumer in the same thread): blocked while it is. */
  follow(other: OutputAvailability): void {
    if (!other.available) this.block();
    other.onChange((available) => (available ? this.unblock() : this.block()));
  }

  private notify(available: boolean): void {
    for (const listener of this.listeners) listener(available);
  }
}
