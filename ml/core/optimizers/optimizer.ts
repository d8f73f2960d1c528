/**
 * One learned parameter with the optimizer's per-parameter memory (empty for plain SGD, the sum
 * of squared gradients for AdaGrad, the two moments for Adam): plain JSON, so models snapshot it
 * as is.
 */
export interface Parameter {
  value: number;
  readonly memory: number[];
}

/**
 * A gradient-descent step rule (River's `optim`): `step` moves one parameter against its gradient
 * and updates that parameter's memory. A model calls `tick()` once per example, before the steps of
 * that example (Adam's bias correction counts examples).
 */
export interface Optimizer {
  readonly name: OptimizerName;
  /** A new parameter at `value`, with this optimizer's initial memory. */
  parameter(value?: number): Parameter;
  tick(): void;
  step(parameter: Parameter, gradient: number): void;
  /** The optimizer's own state (not the parameters'), JSON. */
  state(): number[];
  restoreState(state: readonly number[]): void;
}

export type OptimizerName = 'sgd' | 'adagrad' | 'adam';

/** The optimizer names, for hyperparameter choices. */
export const optimizerNames: readonly OptimizerName[] = ['sgd', 'adagrad', 'adam'];
