import { describe, expect, it } from 'vitest';
import {
  escapeUnprintable,
  hasUnprintable,
  quoteForReason,
} from '../../../../services/connectors/mqtt/printable-text.ts';

describe('printable text for reasons', () => {
  it('escapes C0, DEL, C1 and the line separators, and nothing else', () => {
    expect(escapeUnprintable('a\u0000b\nc\u007f\u0085\u2028é😀')).toBe(
      'a\\u0000b\\u000ac\\u007f\\u0085\\u2028é😀',
    );
  });

  it('tells text with a control character from text without', () => {
    expect(['a\u0000', 'a\u001f', 'a\u007f', 'a\u0085', 'a\u2029'].map(hasUnprintable)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['', 'héllo', '😀', 'a b~'].map(hasUnprintable)).toEqual([false, false, false, false]);
  });

  it('quotes as JSON, cuts at max characters, then escapes what JSON leaves', () => {
    expect(quoteForReason('sensors/a\u0085/telemetry')).toBe('"sensors/a\\u0085/telemetry"');
    expect(quoteForReason('x'.repeat(100), 4)).toBe('"xxxx…"');
    expect(quoteForReason('a"b\\\u0000')).toBe('"a\\"b\\\\\\u0000"');
  });
});
