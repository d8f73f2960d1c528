import { describe, expect, it } from 'vitest';
import { parseTelemetryTopic } from '../../../../services/connectors/mqtt/telemetry-topic.ts';
import {
  compileTopicPattern,
  compileTopicPatterns,
  DEFAULT_TOPIC_PATTERN,
  explainTopicPattern,
  parseTopicWith,
} from '../../../../services/connectors/mqtt/topic-pattern.ts';

describe('compileTopicPattern', () => {
  it('turns {device} into + for the subscription and reads the device id from that level', () => {
    const plant = compileTopicPattern('plant/+/{device}/data');
    expect(plant.filter).toBe('plant/+/+/data');
    expect(plant.parse('plant/hall-2/press-7/data')).toEqual({ ok: true, deviceId: 'press-7' });
  });

  it('refuses topics of another shape, and device ids that break the pattern', () => {
    const plant = compileTopicPattern('plant/+/{device}/data');
    expect(plant.parse('plant/hall-2/press-7')).toMatchObject({ ok: false, code: 'invalid_topic' });
    expect(plant.parse('factory/hall-2/press-7/data')).toMatchObject({
      ok: false,
      code: 'invalid_topic',
      reason: 'topic "factory/hall-2/press-7/data" does not match plant/+/{device}/data',
    });
    expect(plant.parse('plant/h/bad id/data')).toMatchObject({ ok: false, code: 'invalid_device_id' });
  });

  it('lets # match any further levels, and none (as MQTT does)', () => {
    const deep = compileTopicPattern('site/{device}/#');
    expect(deep.filter).toBe('site/+/#');
    expect(deep.parse('site/m-1/a/b/c')).toEqual({ ok: true, deviceId: 'm-1' });
    expect(deep.parse('site/m-1')).toEqual({ ok: true, deviceId: 'm-1' });
    expect(deep.parse('site').ok).toBe(false);
  });

  it("keeps Eddy's own topic and its dead-letter reasons for the default pattern", () => {
    const own = compileTopicPattern(DEFAULT_TOPIC_PATTERN);
    expect(own.filter).toBe('sensors/+/telemetry');
    expect(own.parse).toBe(parseTelemetryTopic);
    expect(compileTopicPatterns().map((p) => p.pattern)).toEqual([DEFAULT_TOPIC_PATTERN]);
  });

  it('refuses patterns without exactly one {device}, a # before the end, or wildcards inside a level', () => {
    expect(explainTopicPattern('sensors/+/telemetry')).toMatch(/no \{device\} level/);
    expect(explainTopicPattern('{device}/{device}')).toMatch(/more than one/);
    expect(explainTopicPattern('#/{device}')).toMatch(/'#' before the last level/);
    expect(explainTopicPattern('a+b/{device}')).toMatch(/literal text cannot hold/);
    expect(explainTopicPattern('x{device}/y')).toMatch(/no \{device\} level/);
    expect(explainTopicPattern('')).toMatch(/empty/);
    expect(explainTopicPattern('a/{device}/#')).toBeUndefined();
    expect(() => compileTopicPattern('a/b')).toThrow(/topic pattern "a\/b" has no \{device\} level/);
    expect(() => compileTopicPatterns([])).toThrow(/at least one/);
  });
});

describe('parseTopicWith', () => {
  const parse = parseTopicWith([compileTopicPattern('a/{device}'), compileTopicPattern('b/{device}/x')]);

  it('takes the device id from the first pattern that matches', () => {
    expect(parse('a/m-1')).toEqual({ ok: true, deviceId: 'm-1' });
    expect(parse('b/m-2/x')).toEqual({ ok: true, deviceId: 'm-2' });
  });

  it('names every pattern when none matches, and prefers a bad device id as the reason', () => {
    expect(parse('c/m-1')).toEqual({
      ok: false,
      code: 'invalid_topic',
      reason: 'topic "c/m-1" matches none of a/{device}, b/{device}/x',
    });
    expect(parse('b/-bad/x')).toMatchObject({ ok: false, code: 'invalid_device_id' });
  });
});
