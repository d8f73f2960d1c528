import { describe, expect, it } from 'vitest';
import { ColumnBuffers } from '../../../../../services/engine/runtime/channels/column-buffers.ts';

describe('ColumnBuffers', () => {
  it('grows past its initial capacity, keeping what was written', () => {
    const columns = new ColumnBuffers(1, 2, 4);
    for (let i = 0; i < 10; i++) {
      const at = columns.add();
      columns.ids[at] = i;
      columns.numbers[2 * at] = i / 2;
      columns.numbers[2 * at + 1] = -i;
    }
    const batch = columns.take();
    expect([...new Uint32Array(batch.ids, 0, 10)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Float64Array(batch.numbers)[2 * 9 + 1]).toBe(-9);
    expect(columns.count).toBe(0);
  });

  it('reuses the buffers a consumer sent back, and ignores ones of another shape', () => {
    const columns = new ColumnBuffers(2, 2, 4);
    columns.add();
    const first = columns.take();
    columns.recycle([new ArrayBuffer(8), new ArrayBuffer(8)]); // too small: dropped
    columns.recycle([first.ids, first.numbers]);
    columns.add();
    const second = columns.take();
    expect(second.ids).toBe(first.ids);
    expect(second.numbers).toBe(first.numbers);
    columns.add();
    expect(columns.take().ids).not.toBe(first.ids); // no spare left: a fresh pair
  });
});
