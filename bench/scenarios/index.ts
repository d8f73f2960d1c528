import type { Scenario } from '../scenario.ts';
import { engineKeyedTumbling } from './engine-keyed-tumbling.ts';

/** Every scenario `npm run bench` knows, in the order it runs them. */
export const scenarios: readonly Scenario[] = [engineKeyedTumbling(1_000, 5_000_000)];
