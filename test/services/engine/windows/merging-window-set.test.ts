import { describe, expect, it } from 'vitest';
import {
  type ActiveWindow,
  MergingWindowSet,
} from '../../../../services/engine/windows/merging-window-set.ts';
import { TimeWindow } from '../../../../services/engine/windows/time-window.ts';

const w = (start: number, end: number) => new TimeWindow(start, end);
const show = (a: ActiveWindow) => `${a.window}#${a.namespace}`;

function recording() {
  const set = new MergingWindowSet();
  let next = 0;
  const merges: string[] = [];
  const add = (window: TimeWindow) =>
    show(
      set.addWindow(
        window,
        () => next++,
        (result, merged) => merges.push(`${merged.map(show).join(' + ')} -> ${show(result)}`),
      ),
    );
  return { set, merges, add };
}

describe('MergingWindowSet (Flink MergingWindowSetTest)', () => {
  it('adds windows that do not touch as they are, each with its own namespace', () => {
    const { set, merges, add } = recording();
    expect(add(w(0, 10))).toBe('[0, 10)#0');
    expect(add(w(20, 30))).toBe('[20, 30)#1');
    expect(merges).toEqual([]);
    expect(set.windows.map(show)).toEqual(['[0, 10)#0', '[20, 30)#1']);
  });

  it('returns the existing window for a window inside it, without merging', () => {
    const { merges, add } = recording();
    add(w(0, 10));
    expect(add(w(2, 8))).toBe('[0, 10)#0');
    expect(add(w(0, 10))).toBe('[0, 10)#0');
    expect(merges).toEqual([]);
  });

  it('merges a window that extends an existing one into a new window with a new namespace', () => {
    const { set, merges, add } = recording();
    add(w(0, 10));
    expect(add(w(5, 15))).toBe('[0, 15)#1');
    expect(merges).toEqual(['[0, 10)#0 -> [0, 15)#1']);
    expect(set.windows.map(show)).toEqual(['[0, 15)#1']);
  });

  it('merges a window that bridges two into one, reporting both', () => {
    const { set, merges, add } = recording();
    add(w(0, 10));
    add(w(20, 30));
    add(w(50, 60));
    expect(add(w(10, 20))).toBe('[0, 30)#3'); // touches both ends
    expect(merges).toEqual(['[0, 10)#0 + [20, 30)#1 -> [0, 30)#3']);
    expect(set.windows.map(show).sort()).toEqual(['[0, 30)#3', '[50, 60)#2']);
  });

  it('retires windows by namespace', () => {
    const { set, add } = recording();
    add(w(0, 10));
    add(w(20, 30));
    set.retire(0);
    set.retire(7); // unknown: nothing happens
    expect(set.windows.map(show)).toEqual(['[20, 30)#1']);
    expect(set.get(1)?.window.toString()).toBe('[20, 30)');
    expect(set.size).toBe(1);
  });
});
