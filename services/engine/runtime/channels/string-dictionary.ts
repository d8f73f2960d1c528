/** Strings a channel remembers; past this, the dictionary starts over at the next batch (bounds memory). */
export const MAX_DICTIONARY = 1 << 16;

/** What a batch carries for its dictionary: the strings first used in it, and whether it starts over. */
export interface DictionaryUpdate {
  readonly strings: string[];
  readonly reset: boolean;
}

/**
 * The sending side of a per-channel string dictionary: each distinct string gets a small id and
 * is sent once, with the first batch that uses it. Ids are only valid on the channel they were
 * made for, in batch order.
 *
 * @example
 * const dictionary = new DictionaryEncoder();
 * dictionary.idOf('boiler-1'); // 0
 * dictionary.idOf('boiler-1'); // 0
 * dictionary.finishBatch();    // { strings: ['boiler-1'], reset: false }
 */
export class DictionaryEncoder {
  private readonly ids = new Map<string, number>();
  private added: string[] = [];
  private reset = false;

  constructor(private readonly maxSize = MAX_DICTIONARY) {}

  idOf(text: string): number {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    const id = this.ids.size;
    this.ids.set(text, id);
    this.added.push(text);
    return id;
  }

  /**
   * Ends the batch: the strings it introduced. A dictionary grown past its size starts over with
   * the next batch.
   */
  finishBatch(): DictionaryUpdate {
    const update = { strings: this.added, reset: this.reset };
    this.added = [];
    this.reset = false;
    if (this.ids.size > this.maxSize) {
      this.ids.clear();
      this.reset = true;
    }
    return update;
  }

  /** True when this batch has introduced strings or starts over (it must be sent even if empty). */
  get pending(): boolean {
    return this.added.length > 0 || this.reset;
  }
}

/** The receiving side: applies each batch's update, in order, then resolves ids. */
export class DictionaryDecoder {
  private strings: string[] = [];

  apply(update: DictionaryUpdate): readonly string[] {
    if (update.reset) this.strings = [];
    for (const text of update.strings) this.strings.push(text);
    return this.strings;
  }
}
