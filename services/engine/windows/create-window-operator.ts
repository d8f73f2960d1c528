import type { Key } from '../api/functions.ts';
import { EvictingWindowOperator } from './evicting-window-operator.ts';
import type { Evictor } from './evictors/evictor.ts';
import { WindowOperator } from './window-operator.ts';
import type { WindowOperatorBase } from './window-operator-base.ts';
import type { WindowOperatorConfig } from './window-operator-config.ts';

/**
 * The window operator for a configuration: with an evictor, one that keeps records
 * ({@link EvictingWindowOperator}); without, one that keeps an accumulator ({@link WindowOperator}).
 */
export function createWindowOperator<IN, K extends Key, ACC, R, OUT>(
  config: WindowOperatorConfig<IN, K, ACC, R, OUT> & { readonly evictor?: Evictor<IN> | undefined },
): WindowOperatorBase<IN, K, unknown, R, OUT> {
  const { evictor } = config;
  return evictor === undefined
    ? new WindowOperator(config)
    : (new EvictingWindowOperator({ ...config, evictor }) as WindowOperatorBase<IN, K, unknown, R, OUT>);
}
