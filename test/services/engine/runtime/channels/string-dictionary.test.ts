import { describe, expect, it } from 'vitest';
import {
  DictionaryDecoder,
  DictionaryEncoder,
} from '../../../../../services/engine/runtime/channels/string-dictionary.ts';

describe('string dictionary', () => {
  it('sends each string once, and starts over at the batch after it outgrew its size', () => {
    const encoder = new DictionaryEncoder(3);
    const decoder = new DictionaryDecoder();
    const send = (texts: string[]) => {
      const ids = texts.map((t) => encoder.idOf(t));
      const strings = decoder.apply(encoder.finishBatch());
      return ids.map((id) => strings[id]);
    };
    expect(send(['a', 'b', 'a'])).toEqual(['a', 'b', 'a']);
    expect(encoder.pending).toBe(false);
    expect(send(['c', 'd', 'a'])).toEqual(['c', 'd', 'a']); // 4 strings > 3: starts over next batch
    expect(encoder.pending).toBe(true); // the reset must be sent
    expect(send(['d', 'e'])).toEqual(['d', 'e']);
    expect(encoder.finishBatch()).toEqual({ strings: [], reset: false });
  });
});
