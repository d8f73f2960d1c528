import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { strictValidatorCompiler } from '../../../services/api/strict-validator-compiler.ts';

const Query = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  ratio: Type.Optional(Type.Number()),
  name: Type.Optional(Type.String()),
});

function validate(value: unknown, httpPart = 'querystring') {
  const fn = strictValidatorCompiler({ schema: Query, httpPart, method: 'GET', url: '/' }) as (
    v: unknown,
  ) => { value?: unknown; error?: Array<{ instancePath: string; message: string }> };
  return fn(value);
}

describe('strictValidatorCompiler', () => {
  it('turns plain decimal strings into numbers in query strings', () => {
    expect(validate({ limit: '42', ratio: '-0.5', name: '7' })).toEqual({
      value: { limit: 42, ratio: -0.5, name: '7' },
    });
  });

  it.each(['1.5', '1e3', '0x10', ' 7', 'true', '', '12abc', '01'])('rejects %j as an integer', (text) => {
    const result = validate({ limit: text });
    expect(result.error?.[0]).toMatchObject({ instancePath: '/limit', message: 'must be integer' });
  });

  it('checks bounds after converting', () => {
    expect(validate({ limit: '0' }).error?.[0]).toMatchObject({ message: 'must be >= 1' });
  });

  it('leaves bodies unconverted', () => {
    expect(validate({ limit: '42' }, 'body').error?.[0]).toMatchObject({ message: 'must be integer' });
  });

  it('does not touch the input object', () => {
    const input = { limit: '3' };
    validate(input);
    expect(input).toEqual({ limit: '3' });
  });
});
