import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeviceId, InvalidDeviceError } from '../../../services/devices/device.ts';

describe('checkDeviceId: no id can break an InfluxDB tag, an MQTT topic or a file path', () => {
  it.each([
    'a,b',
    'a=b',
    'a b',
    'a\nb',
    'a/b',
    '..',
    '.',
    '../etc',
    'a\\b',
    'a\u0000b',
    'a+b',
    'a#b',
    'température',
    'a😀',
    '\u202eabc',
    '',
    'x'.repeat(65),
  ])('refuses %j, naming it', (id) => {
    expect(() => checkDeviceId(id)).toThrow(InvalidDeviceError);
    expect(() => checkDeviceId(id)).toThrow(`device id ${JSON.stringify(id.slice(0, 80))} must be`);
  });

  it.each(['boiler-1', 'a..b', 'A.b_c-9', '0', 'x'.repeat(64)])('takes %j, a plain file name', (id) => {
    expect(() => checkDeviceId(id)).not.toThrow();
    expect(basename(id)).toBe(id);
  });
});
