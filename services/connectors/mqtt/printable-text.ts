/** C0 controls, DEL, C1 controls and the Unicode line separators: what breaks a log line. */
function isUnprintable(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/**
 * Whether `text` holds a control character (C0, DEL, C1) or a line separator.
 *
 * @example
 * hasUnprintable('a\u0085b'); // true
 * hasUnprintable('héllo');    // false
 */
export function hasUnprintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isUnprintable(text.charCodeAt(i))) return true;
  return false;
}

/**
 * `text` with every control character (C0, DEL, C1) and line separator written as a `\uXXXX`
 * escape, so a reason built from hostile input stays one printable line in a log or a dead letter.
 *
 * @example
 * escapeUnprintable('bad\u0000token\n'); // 'bad\\u0000token\\u000a'
 */
export function escapeUnprintable(text: string): string {
  if (!hasUnprintable(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += isUnprintable(code) ? `\\u${code.toString(16).padStart(4, '0')}` : text[i];
  }
  return out;
}

/**
 * `text` JSON-quoted, cut to `max` characters (an ellipsis marks the cut) and with every control
 * character escaped (JSON.stringify leaves DEL, C1 and the line separators as they are).
 *
 * @example
 * quoteForReason('sensors/a\u0085/telemetry'); // '"sensors/a\\u0085/telemetry"'
 * quoteForReason('x'.repeat(100), 4);           // '"xxxx…"'
 */
export function quoteForReason(text: string, max = 80): string {
  return escapeUnprintable(JSON.stringify(text.length > max ? text.slice(0, max) + '…' : text));
}
