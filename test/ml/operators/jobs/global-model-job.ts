/**
 * A job module for the global-model tests at parallelism > 1: readings from the bound source
 * `readings`, spread by device over the subtasks, one global model learned from all of them;
 * its versions go to the bound sink `versions`, its predictions (when `predict`) to `predictions`.
 */
import { findModelSpec } from '../../../../ml/models/registry.ts';
import { learnAndPredictGlobal, learnGlobal } from '../../../../ml/operators/global-models.ts';
import { defineJobModule } from '../../../../services/engine/runtime/parallel/job-module.ts';
import { WatermarkStrategy } from '../../../../services/engine/time/watermark-strategy.ts';

/** One reading: a device's features at a time, with a target for supervised models. */
export interface Reading {
  readonly device: string;
  readonly ts: number;
  readonly x: Readonly<Record<string, number>>;
  readonly y?: number;
}

export interface GlobalModelJobArgs {
  readonly model: string;
  readonly params?: Readonly<Record<string, number | boolean | string>>;
  readonly mergeEveryMs: number;
  readonly predict: boolean;
  /** Bounded out-of-orderness of the readings (default 0). */
  readonly boundMs?: number;
}

export default defineJobModule<GlobalModelJobArgs>((env, args) => {
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<Reading>(
    args.boundMs ?? 0,
  ).withTimestampAssigner((r) => r.ts);
  const keyed = env.fromSource(env.boundSource<Reading>('readings'), watermarks).keyBy((r) => r.device);
  const options = {
    modelName: 'fleet',
    model: { spec: findModelSpec(args.model), params: args.params ?? {} },
    example: (r: Reading) => ({ x: r.x, y: r.y }),
    mergeEveryMs: args.mergeEveryMs,
    uid: 'fleet-model',
  };
  if (args.predict) {
    const { predictions, versions } = learnAndPredictGlobal(keyed, options);
    predictions.sinkTo(env.boundSink('predictions'));
    versions.sinkTo(env.boundSink('versions'));
  } else {
    learnGlobal(keyed, options).versions.sinkTo(env.boundSink('versions'));
  }
});
