import { describe, expect, it } from 'vitest';
import { IncompatibleStateError } from '../../../../services/engine/checkpoint/checkpoint-errors.ts';
import { checkShapeCompatible } from '../../../../services/engine/checkpoint/state-shape.ts';

describe('checkShapeCompatible', () => {
  const shape = {
    states: { acc: 'aggregating', timers: 'timers' },
    assigner: 'tumbling(10s)',
    aggregates: ['count', 'mean'],
  };

  it('accepts the same shape, whatever the key order', () => {
    expect(() =>
      checkShapeCompatible('w', shape, {
        aggregates: ['count', 'mean'],
        assigner: 'tumbling(10s)',
        states: { timers: 'timers', acc: 'aggregating' },
      }),
    ).not.toThrow();
  });

  it('names the operator and the first difference', () => {
    const changed = { ...shape, aggregates: ['count', 'p95'] };
    expect(() => checkShapeCompatible('window-1', shape, changed)).toThrow(IncompatibleStateError);
    expect(() => checkShapeCompatible('window-1', shape, changed)).toThrow(
      'cannot restore operator "window-1": its state changed shape since the snapshot (aggregates[1]: saved "mean", now "p95")',
    );
    expect(() => checkShapeCompatible('w', shape, { ...shape, states: { acc: 'aggregating' } })).toThrow(
      /states\.timers: saved "timers", now absent/,
    );
    expect(() => checkShapeCompatible('w', shape, { ...shape, ttl: '1h' })).toThrow(
      /ttl: absent when saved, now "1h"/,
    );
    expect(() => checkShapeCompatible('w', shape, { ...shape, aggregates: ['count'] })).toThrow(
      /aggregates: saved 2 entries, now 1/,
    );
    try {
      checkShapeCompatible('w', 1, 2);
    } catch (error) {
      expect((error as IncompatibleStateError).code).toBe('EDDY_INCOMPATIBLE_STATE');
      expect((error as IncompatibleStateError).uid).toBe('w');
    }
  });
});
