import type { DenseAutoencoder } from '../models/dense-autoencoder.ts';

/** The module of the dense autoencoder model (TensorFlow.js), once loaded. */
export type AutoencoderModelModule = typeof import('../models/dense-autoencoder.ts');

let loaded: AutoencoderModelModule | undefined;
let loading: Promise<AutoencoderModelModule> | undefined;

/**
 * Loads TensorFlow.js and `ml/models/dense-autoencoder.ts` once per thread, with a dynamic import,
 * so that importing the detector registry does not load TensorFlow.js: only building an
 * autoencoder detector does. Selects the TensorFlow.js backend first (`initTensorFlow`: a no-op
 * when start-up already did, as the server does with its own logger). Call it at start-up to have
 * autoencoder detectors built ready to learn; otherwise the first one starts it.
 *
 * @example
 * await loadAutoencoderModel();
 * const d = createDetector('autoencoder'); // builds its network at once
 */
export function loadAutoencoderModel(): Promise<AutoencoderModelModule> {
  loading ??= (async () => {
    const [{ initTensorFlow }, { silentLogger }] = await Promise.all([
      import('../tf/backend.ts'),
      import('../../services/common/logger.ts'),
    ]);
    await initTensorFlow({ logger: silentLogger });
    loaded = await import('../models/dense-autoencoder.ts');
    return loaded;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/**
 * The model module if {@link loadAutoencoderModel} has finished, else undefined (no import).
 *
 * @example
 * const module = loadedAutoencoderModel(); // undefined until TensorFlow.js is loaded
 */
export function loadedAutoencoderModel(): AutoencoderModelModule | undefined {
  return loaded;
}

/**
 * Builds a {@link DenseAutoencoder} from `params` over the model spec's defaults (the detector
 * declares only the parameters it lets users set).
 *
 * @example
 * const model = buildAutoencoder(loadedAutoencoderModel()!, { hiddenUnits: 8, everyMs: 0 });
 */
export function buildAutoencoder(
  module: AutoencoderModelModule,
  params: Readonly<Record<string, number | boolean | string>>,
): DenseAutoencoder {
  const defaults = Object.entries(module.denseAutoencoderSpec.params).map(([key, p]) => [key, p.default]);
  const own = Object.keys(module.denseAutoencoderSpec.params).filter((key) => Object.hasOwn(params, key));
  return new module.DenseAutoencoder({
    ...Object.fromEntries(defaults),
    ...Object.fromEntries(own.map((key) => [key, params[key]!])),
  });
}
