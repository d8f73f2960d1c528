import { describe, expect, it } from 'vitest';
import {
  estimateWindowStateBytes,
  WINDOW_STATE_BYTES,
} from '../../../../services/engine/windows/window-state-bytes.ts';

describe('estimateWindowStateBytes', () => {
  it('is a linear model over live keys and live key-windows', () => {
    expect(estimateWindowStateBytes(0, 0)).toBe(0);
    expect(estimateWindowStateBytes(1_000, 2_000)).toBe(
      1_000 * WINDOW_STATE_BYTES.perKey + 2_000 * WINDOW_STATE_BYTES.perKeyWindow,
    );
  });
});
