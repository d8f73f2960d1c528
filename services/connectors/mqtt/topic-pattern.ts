import { DEVICE_ID_PATTERN } from '../../domain/reading.ts';
import { quoteForReason } from './printable-text.ts';
import {
  explainTopicName,
  parseTelemetryTopic,
  TELEMETRY_TOPIC_FILTER,
  type TelemetryTopicResult,
} from './telemetry-topic.ts';

/** The placeholder that marks the topic level holding the device id. */
export const DEVICE_PLACEHOLDER = '{device}';

/** Eddy's own telemetry topic as a pattern: what a source subscribes to when given none. */
export const DEFAULT_TOPIC_PATTERN = 'sensors/{device}/telemetry';

/**
 * An MQTT topic filter with one level named `{device}`: where devices publish, and which level of
 * the topic is the device id. The other levels are literal, `+` (any one level) or, last, `#`.
 *
 * @example
 * const plant = compileTopicPattern('plant/+/{device}/data');
 * plant.filter;                               // 'plant/+/+/data'
 * plant.parse('plant/hall-2/press-7/data');   // { ok: true, deviceId: 'press-7' }
 * plant.parse('plant/hall-2/press-7').ok;     // false (code 'invalid_topic')
 */
export interface TopicPattern {
  /** As written, e.g. `plant/+/{device}/data`. */
  readonly pattern: string;
  /** The MQTT subscription, `{device}` replaced by `+`. */
  readonly filter: string;
  /** The device id of a topic that matches, or why it does not (never throws). */
  parse(topic: string): TelemetryTopicResult;
}

/**
 * Why `pattern` is not a topic pattern, or `undefined` when it is one.
 *
 * @example
 * explainTopicPattern('sensors/+/telemetry'); // 'has no {device} level: …'
 */
export function explainTopicPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'is empty: write a topic such as sensors/{device}/telemetry';
  if (pattern.length > 1024) return 'is longer than 1024 characters';
  const levels = pattern.split('/');
  const devices = levels.filter((level) => level === DEVICE_PLACEHOLDER).length;
  if (devices === 0)
    return 'has no {device} level: mark the level that holds the device id, e.g. sensors/{device}/telemetry';
  if (devices > 1) return 'has more than one {device} level';
  for (const [i, level] of levels.entries()) {
    if (level === '#' && i !== levels.length - 1)
      return "has '#' before the last level ('#' may only end a filter)";
    if (level === DEVICE_PLACEHOLDER || level === '+' || level === '#') continue;
    if (/[+#{}]/.test(level) || level.includes('\u0000'))
      return `has level ${JSON.stringify(level)}: a level is literal text, '+', '#' or {device}, and literal text cannot hold + # { }`;
  }
  return undefined;
}

/** Compiles a topic pattern; throws with the reason when it is not one (see {@link explainTopicPattern}). */
export function compileTopicPattern(pattern: string): TopicPattern {
  const problem = explainTopicPattern(pattern);
  if (problem !== undefined) throw new Error(`topic pattern ${JSON.stringify(pattern)} ${problem}`);
  const filter = pattern
    .split('/')
    .map((level) => (level === DEVICE_PLACEHOLDER ? '+' : level))
    .join('/');
  // Eddy's own topic keeps the messages its dead letters have always carried.
  if (pattern === DEFAULT_TOPIC_PATTERN && filter === TELEMETRY_TOPIC_FILTER) {
    return { pattern, filter, parse: parseTelemetryTopic };
  }
  return { pattern, filter, parse: levelMatcher(pattern) };
}

/** Compiles the patterns a source subscribes to; Eddy's own topic when none are given. */
export function compileTopicPatterns(patterns: readonly string[] = [DEFAULT_TOPIC_PATTERN]): TopicPattern[] {
  if (patterns.length === 0)
    throw new Error('give at least one topic pattern, e.g. sensors/{device}/telemetry');
  return patterns.map(compileTopicPattern);
}

/**
 * One parser for several patterns: the first that matches a topic gives its device id.
 *
 * @example
 * const parse = parseTopicWith([compileTopicPattern('a/{device}'), compileTopicPattern('b/{device}/x')]);
 * parse('b/m-1/x'); // { ok: true, deviceId: 'm-1' }
 */
export function parseTopicWith(patterns: readonly TopicPattern[]): (topic: string) => TelemetryTopicResult {
  if (patterns.length === 0) throw new Error('give at least one topic pattern');
  if (patterns.length === 1) return patterns[0]!.parse;
  return (topic) => {
    const problem = explainTopicName(topic);
    if (problem !== undefined) return { ok: false, code: 'invalid_topic', reason: problem };
    let refusal: TelemetryTopicResult | undefined;
    for (const pattern of patterns) {
      const result = pattern.parse(topic);
      if (result.ok) return result;
      // A pattern the topic matched but whose device id is bad explains more than a mismatch.
      if (refusal === undefined || result.code === 'invalid_device_id') refusal = result;
    }
    if (refusal?.ok === false && refusal.code === 'invalid_device_id') return refusal;
    return {
      ok: false,
      code: 'invalid_topic',
      reason: `topic ${quote(topic)} matches none of ${patterns.map((p) => p.pattern).join(', ')}`,
    };
  };
}

function levelMatcher(pattern: string): (topic: string) => TelemetryTopicResult {
  const levels = pattern.split('/');
  const deviceLevel = levels.indexOf(DEVICE_PLACEHOLDER);
  const multi = levels[levels.length - 1] === '#';
  const fixed = multi ? levels.length - 1 : levels.length;
  const mismatch = (topic: string): TelemetryTopicResult => ({
    ok: false,
    code: 'invalid_topic',
    reason: `topic ${quote(topic)} does not match ${pattern}`,
  });
  return (topic) => {
    const problem = explainTopicName(topic);
    if (problem !== undefined) return { ok: false, code: 'invalid_topic', reason: problem };
    const parts = topic.split('/');
    if (multi ? parts.length < fixed : parts.length !== fixed) return mismatch(topic);
    for (let i = 0; i < fixed; i++) {
      const level = levels[i]!;
      if (level !== '+' && level !== DEVICE_PLACEHOLDER && level !== parts[i]) return mismatch(topic);
    }
    const deviceId = parts[deviceLevel]!;
    if (!DEVICE_ID_PATTERN.test(deviceId)) {
      return {
        ok: false,
        code: 'invalid_device_id',
        reason: `device id ${quote(deviceId)} in topic ${quote(topic)} is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
      };
    }
    return { ok: true, deviceId };
  };
}

/** Quoted, printable, cut to 80 characters: safe to put in a log line or a dead letter. */
function quote(text: string): string {
  return quoteForReason(text, 80);
}
