/**
 * The timers of one time, as `EventTimeTimers` keeps them: per key, its namespaces, in the order
 * the keys registered (the order they fire in). Keys and namespaces sit in two parallel arrays;
 * a map from key to position (`index`) is built only when something needs to find a key: a
 * registration that must be deduplicated, or a delete. Timers registered as new (`addNew`, a
 * window's cleanup timer when the window is created) never need it: many keys share one time,
 * and a bucket of 100,000 keys then costs two array slots per key and no hashing.
 */
export class TimerBucket<K> {
  /** The keys, by position; `undefined` where a key's timers were all deleted. */
  readonly keys: (K | undefined)[] = [];
  /**
   * Per position: the key's one namespace as `time - namespace` (a window's end minus its start:
   * a small integer V8 stores unboxed, where the start itself would be a 16-byte heap number), or
   * (rare: several windows of a key end together, or a namespace the difference cannot give back
   * exactly) the list of namespaces.
   */
  readonly namespaces: (number | number[] | undefined)[] = [];
  /** Timers here. */
  size = 0;
  /** Positions whose key was removed (compacted away once they outnumber the keys). */
  private holes = 0;
  private index: Map<K, number> | undefined;
  private firedUpTo = 0;

  constructor(readonly time: number) {}

  /**
   * Adds a timer the caller knows is not here, and whose key has no other timer added here with
   * `addNew` (a window's cleanup timer, for windows of one fixed size). Checked only once the
   * bucket has its index. Returns false if nothing was added.
   */
  addNew(key: K, namespace: number): boolean {
    if (this.index !== undefined) return this.add(key, namespace);
    this.keys.push(key);
    this.namespaces.push(packed(this.time, namespace));
    this.size++;
    return true;
  }

  /** Adds a timer; false if it was here already (deduplicated). */
  add(key: K, namespace: number): boolean {
    const index = this.indexed();
    const at = index.get(key);
    if (at === undefined || at < this.firedUpTo) {
      index.set(key, this.keys.length);
      this.keys.push(key);
      this.namespaces.push(packed(this.time, namespace));
      this.size++;
      return true;
    }
    const held = this.namespaces[at]!;
    if (typeof held === 'number') {
      const only = this.time - held;
      if (only === namespace) return false;
      this.namespaces[at] = [only, namespace];
    } else if (held.includes(namespace)) return false;
    else held.push(namespace);
    this.size++;
    return true;
  }

  /** Removes a timer; false if it was not here. */
  remove(key: K, namespace: number): boolean {
    const index = this.indexed();
    const at = index.get(key);
    if (at === undefined || at < this.firedUpTo) return false;
    const held = this.namespaces[at]!;
    if (typeof held === 'number') {
      if (this.time - held !== namespace) return false;
      index.delete(key);
      this.keys[at] = undefined;
      this.namespaces[at] = undefined;
      this.size--;
      if (++this.holes > 32 && this.holes > index.size) this.compact();
      return true;
    }
    const i = held.indexOf(namespace);
    if (i < 0) return false;
    held.splice(i, 1);
    if (held.length === 1) this.namespaces[at] = packed(this.time, held[0]!);
    this.size--;
    return true;
  }

  /**
   * The first position not fired yet: a limited `EventTimeTimers.advanceTo` stopped there, and
   * the positions before it are gone (without moving the rest: resuming costs nothing).
   */
  get start(): number {
    return this.firedUpTo;
  }

  /** Marks the positions before `position` fired (see `start`). */
  resumeAt(position: number): void {
    const { keys, namespaces } = this;
    for (let i = this.firedUpTo; i < position; i++) {
      if (keys[i] === undefined) {
        this.holes--;
        continue;
      }
      const held = namespaces[i]!;
      this.size -= typeof held === 'number' ? 1 : held.length;
    }
    this.firedUpTo = position;
  }

  /** Calls `visit` for every timer here, in order. */
  forEach(visit: (key: K, namespace: number) => void): void {
    const { keys, namespaces, time } = this;
    for (let i = this.firedUpTo; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      const held = namespaces[i]!;
      if (typeof held === 'number') visit(key, time - held);
      else for (const namespace of held) visit(key, namespace);
    }
  }

  private indexed(): Map<K, number> {
    let index = this.index;
    if (index === undefined) {
      index = new Map();
      const keys = this.keys;
      for (let i = this.firedUpTo; i < keys.length; i++) {
        const key = keys[i];
        if (key === undefined) continue;
        const first = index.get(key);
        if (first === undefined) index.set(key, i);
        else this.mergeInto(first, i); // `addNew` misused: one key, two positions
      }
      this.index = index;
    }
    return index;
  }

  /** Moves the namespaces at `from` to the same key's position `to` (deduplicated). */
  private mergeInto(to: number, from: number): void {
    const time = this.time;
    const unpack = (held: number | number[]) => (typeof held === 'number' ? [time - held] : held);
    const merged = [...unpack(this.namespaces[to]!)];
    for (const namespace of unpack(this.namespaces[from]!)) {
      if (merged.includes(namespace)) this.size--;
      else merged.push(namespace);
    }
    this.namespaces[to] = merged.length === 1 ? packed(time, merged[0]!) : merged;
    this.keys[from] = undefined;
    this.namespaces[from] = undefined;
    this.holes++;
  }

  /** Drops the holes and the fired positions, keeping the order (and the index in step). */
  private compact(): void {
    const { keys, namespaces } = this;
    const index = new Map<K, number>(); // rebuilt: the old one may still name fired keys
    this.index = index;
    let to = 0;
    for (let from = this.firedUpTo; from < keys.length; from++) {
      const key = keys[from];
      if (key === undefined) continue;
      keys[to] = key;
      namespaces[to] = namespaces[from];
      index.set(key, to);
      to++;
    }
    keys.length = to;
    namespaces.length = to;
    this.holes = 0;
    this.firedUpTo = 0;
  }
}

/** One namespace of a (time, key) as stored: `time - namespace` if that gives it back exactly, else a list. */
function packed(time: number, namespace: number): number | number[] {
  const delta = time - namespace;
  return time - delta === namespace ? delta : [namespace];
}
