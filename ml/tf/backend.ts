import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../../services/common/logger.ts';

/** The TensorFlow.js backends Eddy uses, fastest first. */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** What {@link initTensorFlow} chose. */
export interface TfBackendInfo {
  readonly backend: TfBackendName;
  /** The `@tensorflow/tfjs` version. */
  readonly version: string;
}

/**
 * How each backend's package is loaded (a dynamic import): injected in tests to force a failure.
 * `tensorflow` is `@tensorflow/tfjs-node`, an optional dependency, so its absence is normal.
 */
export interface TfBackendLoaders {
  readonly tensorflow: () => Promise<unknown>;
  readonly wasm: () => Promise<unknown>;
}

export interface InitTensorFlowOptions {
  readonly logger: Logger;
  /** Try this backend first, then the others in the usual order. */
  readonly prefer?: TfBackendName;
  readonly loaders?: TfBackendLoaders;
}

/** The real loaders. The module names are variables so that TypeScript does not require tfjs-node. */
export const defaultTfBackendLoaders: TfBackendLoaders = {
  tensorflow: () => {
    const name = '@tensorflow/tfjs-node';
    return import(name);
  },
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
};

const ORDER: readonly TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];

let initialised: Promise<TfBackendInfo> | undefined;

/**
 * Selects TensorFlow.js's backend once per thread (module state): `@tensorflow/tfjs-node` (native
 * TensorFlow) when it can be imported, else the WASM backend, else the pure-JS CPU backend, and
 * logs one line naming it. Later calls return the first call's answer, whatever their options.
 * Call it at start-up, before building a neural model: models use whichever backend is current.
 *
 * @example
 * const { backend } = await initTensorFlow({ logger }); // 'wasm' where tfjs-node is not installed
 */
export function initTensorFlow(options: InitTensorFlowOptions): Promise<TfBackendInfo> {
  if (!initialised) {
    initialised = selectTfBackend(options);
    // A failed selection may be retried (the CPU backend does not fail, so this is rare).
    initialised.catch(() => {
      initialised = undefined;
    });
  }
  return initialised;
}

/**
 * The selection itself, without the once-per-thread cache (tests call it with failing loaders).
 * Each failure is logged at debug level with its reason; the choice at info level.
 */
export async function selectTfBackend(options: InitTensorFlowOptions): Promise<TfBackendInfo> {
  const { logger, prefer, loaders = defaultTfBackendLoaders } = options;
  const order = prefer ? [prefer, ...ORDER.filter((name) => name !== prefer)] : ORDER;
  const failures: string[] = [];
  for (const backend of order) {
    try {
      if (backend !== 'cpu') await loaders[backend]();
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      const info: TfBackendInfo = { backend, version: tf.version.tfjs };
      logger.info(
        { backend, version: info.version, skipped: failures },
        `TensorFlow.js ${info.version} runs on the ${backend} backend`,
      );
      return info;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${backend}: ${reason.split('\n')[0]}`);
      logger.debug({ backend, reason }, `TensorFlow.js backend ${backend} unavailable`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join('; ')})`);
}
