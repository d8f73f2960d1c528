import { describe, expect, it } from 'vitest';
import { TimeWindow } from '../../../../services/engine/windows/time-window.ts';
import { emptyContents, emptyMergingContents } from '../../../../services/engine/windows/window-contents.ts';

describe('window contents', () => {
  it('start empty, with no registered timer, and remember the timer they are given', () => {
    const contents = emptyContents<number>(new TimeWindow(1_700_000_000_000, 1_700_000_010_000));
    expect([contents.state, contents.registeredTimer]).toEqual([undefined, Number.NaN]);
    for (const time of [1_700_000_009_999, 1_700_000_019_999, 0.1, -5, Number.MAX_SAFE_INTEGER]) {
      contents.registeredTimer = time;
      expect(contents.registeredTimer).toBe(time);
    }
    contents.registeredTimer = Number.NaN;
    expect(contents.registeredTimer).toBeNaN();
  });

  it('share one window instance between the contents of equal windows', () => {
    const a = emptyContents(new TimeWindow(0, 10));
    const b = emptyContents(new TimeWindow(0, 10));
    const c = emptyContents(new TimeWindow(10, 20));
    expect(a.window).toBe(b.window);
    expect(c.window.toString()).toBe('[10, 20)');
  });

  it('of merging windows carry their namespace and their own window', () => {
    const window = new TimeWindow(0, 10);
    const contents = emptyMergingContents<string>(window, 3);
    contents.registeredTimer = 9;
    expect([contents.namespace, contents.window, contents.registeredTimer]).toEqual([3, window, 9]);
    expect(contents.window).toBe(window);
  });
});
