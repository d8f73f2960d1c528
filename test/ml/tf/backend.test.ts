import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultTfBackendLoaders, initTensorFlow, selectTfBackend } from '../../../ml/tf/backend.ts';
import { silentLogger } from '../../../services/common/logger.ts';

describe('initTensorFlow', () => {
  it('chooses WASM where tfjs-node is not installed, once per thread', async () => {
    const first = await initTensorFlow({ logger: silentLogger });
    expect(first).toEqual({ backend: 'wasm', version: tf.version.tfjs });
    expect(tf.getBackend()).toBe('wasm');
    const second = await initTensorFlow({ logger: silentLogger, prefer: 'cpu' });
    expect(second).toBe(first);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('logs one line naming the backend', async () => {
    const lines: string[] = [];
    const logger = { ...silentLogger, info: (_: unknown, msg: string) => lines.push(msg), debug: () => {} };
    await selectTfBackend({ logger: logger as never });
    expect(lines).toEqual([`TensorFlow.js ${tf.version.tfjs} runs on the wasm backend`]);
  });

  it('falls back to CPU when WASM fails to load', async () => {
    const info = await selectTfBackend({
      logger: silentLogger,
      loaders: {
        tensorflow: defaultTfBackendLoaders.tensorflow,
        wasm: () => Promise.reject(new Error('no wasm here')),
      },
    });
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('tries the preferred backend first', async () => {
    const info = await selectTfBackend({ logger: silentLogger, prefer: 'cpu' });
    expect(info.backend).toBe('cpu');
  });
});
