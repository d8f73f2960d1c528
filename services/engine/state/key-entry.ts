import { type PackedTime, packTime, unpackTime } from './packed-time.ts';

/** `KeyEntry.slot` when no value is inline. */
export const NO_INLINE = -1;
/** Most values a key keeps in its flat list before it moves them to per-state maps. */
const LIST_LIMIT = 8;

/** What spread window contents need of their window: a window's start is its namespace. */
export interface SpreadWindow {
  readonly start: number;
  readonly end: number;
}

/** A key's values beyond the inline one, once there are more than `LIST_LIMIT`: per slot, namespace → value. */
export class ValueMaps {
  readonly maps: (Map<number, unknown> | undefined)[] = [];
  /** Values held, over all maps. */
  size = 0;
}

/**
 * One key's state. Its first value is *inline*, in the entry's own fields, and stays there until it
 * is removed (values never move out of the entry, so an entry standing for window contents stays
 * valid while that window lives). Further values go to `more`: flat `slot, namespace, value`
 * triples (up to `LIST_LIMIT`), then a {@link ValueMaps}.
 *
 * The inline value is either a plain value (`state`, under `slot` and namespace `aux`), or *window
 * contents spread into the entry* (`window` set): the entry itself is then the contents, with the
 * window's state in `state`, its registered timer in `aux`, and the window's start as namespace.
 * That spares a window operator a contents object for a key's first window (see
 * `HeapKeyedStateBackend.putSpread`).
 */
export class KeyEntry {
  /** Slot of the inline value, or `NO_INLINE`. */
  slot = NO_INLINE;
  /**
   * The key's key group, hashed once when the entry is made: snapshots group by it without hashing
   * every key in the pause (8 bytes per key buys ~40 ms per 100,000 keys per checkpoint).
   */
  readonly keyGroup: number;
  /** The copy-on-write checkpoint capture that has yet to save this key (see `CapturedEntry`), or 0. */
  captureEpoch = 0;
  /**
   * The inline value; for spread window contents, the window's state (named as in
   * `WindowContents`, so contents of both kinds read it the same way).
   */
  state: unknown = undefined;
  /** The window of spread contents; `undefined` when the inline value is plain (or absent). */
  window: SpreadWindow | undefined = undefined;
  /**
   * The namespace of an inline plain value, or the registered timer of spread contents (packed
   * relative to the window's end; their namespace is their window's start). One field for both
   * saves 8 bytes per key.
   */
  private aux: number | PackedTime = undefined;
  /** Values beyond the inline one. */
  more: unknown[] | ValueMaps | undefined = undefined;

  constructor(keyGroup: number) {
    this.keyGroup = keyGroup;
  }

  /** Spread contents' view: the timer last registered for the window (NaN if none). */
  get registeredTimer(): number {
    return unpackTime(this.aux as PackedTime, this.window!.end);
  }

  set registeredTimer(time: number) {
    this.aux = packTime(time, this.window!.end);
  }

  /** Spread contents' view: true when `time` is the registered timer (no number is built). */
  hasRegisteredTimer(time: number): boolean {
    const aux = this.aux;
    return typeof aux === 'number' ? this.window!.end - aux === time : aux?.[0] === time;
  }

  /** True when the inline value is `slot`'s at `namespace`. */
  holdsInline(slot: number, namespace: number): boolean {
    if (this.slot !== slot) return false;
    const window = this.window;
    return window === undefined ? this.aux === namespace : window.start === namespace;
  }

  /** Namespace of the inline value (when there is one). */
  get inlineNamespace(): number {
    return this.window === undefined ? (this.aux as number) : this.window.start;
  }

  /** What `get` answers for the inline value: the plain value, or the entry as spread contents. */
  get inlineValue(): unknown {
    return this.window === undefined ? this.state : this;
  }

  setInline(slot: number, namespace: number, value: unknown): void {
    this.slot = slot;
    this.aux = namespace;
    this.state = value;
    this.window = undefined;
  }

  spread(slot: number, window: SpreadWindow): void {
    this.slot = slot;
    this.aux = undefined;
    this.state = undefined;
    this.window = window;
  }

  clearInline(): void {
    this.slot = NO_INLINE;
    this.aux = undefined;
    this.state = undefined;
    this.window = undefined;
  }

  /** Number of values held. */
  get size(): number {
    const more = this.more;
    const inline = this.slot === NO_INLINE ? 0 : 1;
    if (more === undefined) return inline;
    return inline + (more instanceof ValueMaps ? more.size : more.length / 3);
  }
}

/** The value of `slot` at `namespace` among the entry's further values. */
export function getMore(entry: KeyEntry, slot: number, namespace: number): unknown {
  const more = entry.more;
  if (more === undefined) return undefined;
  // `Array.isArray` is a map check; `instanceof` walks the array's prototype chain (the hot path)
  if (!Array.isArray(more)) return more.maps[slot]?.get(namespace);
  for (let i = 0; i < more.length; i += 3) {
    if (more[i] === slot && more[i + 1] === namespace) return more[i + 2];
  }
  return undefined;
}

/** Replaces the further value of `slot` at `namespace`; false if there is none. */
export function replaceMore(entry: KeyEntry, slot: number, namespace: number, value: unknown): boolean {
  const more = entry.more;
  if (more === undefined) return false;
  if (!Array.isArray(more)) {
    const values = more.maps[slot];
    if (values === undefined || !values.has(namespace)) return false;
    values.set(namespace, value);
    return true;
  }
  for (let i = 0; i < more.length; i += 3) {
    if (more[i] === slot && more[i + 1] === namespace) {
      more[i + 2] = value;
      return true;
    }
  }
  return false;
}

/** Adds a further value (not held yet): to the list, or to maps once the list is full. */
export function addMore(entry: KeyEntry, slot: number, namespace: number, value: unknown): void {
  const list = entry.more;
  if (list === undefined) {
    entry.more = [slot, namespace, value];
  } else if (!Array.isArray(list)) {
    addToMaps(list, slot, namespace, value);
  } else if (list.length < 3 * LIST_LIMIT) {
    // an exactly sized copy: `push` would over-allocate, and lists are many and short
    const grown = new Array<unknown>(list.length + 3);
    for (let i = 0; i < list.length; i++) grown[i] = list[i];
    grown[list.length] = slot;
    grown[list.length + 1] = namespace;
    grown[list.length + 2] = value;
    entry.more = grown;
  } else {
    const maps = new ValueMaps();
    for (let i = 0; i < list.length; i += 3)
      addToMaps(maps, list[i] as number, list[i + 1] as number, list[i + 2]);
    addToMaps(maps, slot, namespace, value);
    entry.more = maps;
  }
}

function addToMaps(maps: ValueMaps, slot: number, namespace: number, value: unknown): void {
  let values = maps.maps[slot];
  if (values === undefined) {
    while (maps.maps.length <= slot) maps.maps.push(undefined);
    values = new Map();
    maps.maps[slot] = values;
  }
  const before = values.size;
  values.set(namespace, value);
  maps.size += values.size - before;
}

/** Removes the further value of `slot` at `namespace`; true if it was there. */
export function removeMore(entry: KeyEntry, slot: number, namespace: number): boolean {
  const more = entry.more;
  if (more === undefined) return false;
  if (!Array.isArray(more)) {
    if (!more.maps[slot]?.delete(namespace)) return false;
    if (--more.size === 0) entry.more = undefined;
    return true;
  }
  for (let i = 0; i < more.length; i += 3) {
    if (more[i] === slot && more[i + 1] === namespace) {
      if (more.length === 3) entry.more = undefined;
      else more.splice(i, 3);
      return true;
    }
  }
  return false;
}

/** Calls `visit(slot, namespace, value)` for every further value of the entry. */
export function forEachMore(
  entry: KeyEntry,
  visit: (slot: number, namespace: number, value: unknown) => void,
): void {
  const more = entry.more;
  if (more === undefined) return;
  if (more instanceof ValueMaps) {
    more.maps.forEach((values, slot) => {
      values?.forEach((value, namespace) => {
        visit(slot, namespace, value);
      });
    });
    return;
  }
  for (let i = 0; i < more.length; i += 3) visit(more[i] as number, more[i + 1] as number, more[i + 2]);
}
