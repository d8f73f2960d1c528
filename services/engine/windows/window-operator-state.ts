import type { RestoredOperator } from '../checkpoint/checkpoint-types.ts';
import { MIN_WATERMARK } from '../time/watermark.ts';

/**
 * What a window operator checkpoints per subtask rather than per key group: its watermark (so late
 * records are judged after a restore as before), the count of late records dropped and the next
 * namespace of merging windows.
 */
export interface WindowOperatorState {
  readonly watermark: number;
  readonly lateRecordsDropped: number;
  readonly nextNamespace: number;
}

/** The operator state as stored: plain data. */
export function snapshotOperatorState(state: WindowOperatorState): WindowOperatorState {
  return {
    watermark: state.watermark,
    lateRecordsDropped: state.lateRecordsDropped,
    nextNamespace: state.nextNamespace,
  };
}

/**
 * Combines the operator states of every old subtask for new subtask `subtask` (any parallelism):
 * the lowest watermark (a subtask may now hold keys of any old one: never judge a record late that
 * one of them would have taken), the highest next namespace, and the late-record count summed into
 * subtask 0 only, so that the job's total stays the same. No state at all gives the initial one.
 *
 * @example
 * restoreOperatorState([{ task: 'w', subtask: 0, state: { watermark: 9, lateRecordsDropped: 2, nextNamespace: 4 } },
 *   { task: 'w', subtask: 1, state: { watermark: 7, lateRecordsDropped: 1, nextNamespace: 0 } }], 0);
 * // { watermark: 7, lateRecordsDropped: 3, nextNamespace: 4 }
 */
export function restoreOperatorState(
  states: RestoredOperator['operatorStates'],
  subtask: number,
): WindowOperatorState {
  let watermark = Number.POSITIVE_INFINITY;
  let lateRecordsDropped = 0;
  let nextNamespace = 0;
  for (const { state } of states) {
    const s = state as Partial<WindowOperatorState> | null | undefined;
    if (typeof s?.watermark === 'number') watermark = Math.min(watermark, s.watermark);
    if (typeof s?.lateRecordsDropped === 'number') lateRecordsDropped += s.lateRecordsDropped;
    if (typeof s?.nextNamespace === 'number') nextNamespace = Math.max(nextNamespace, s.nextNamespace);
  }
  return {
    watermark: watermark === Number.POSITIVE_INFINITY ? MIN_WATERMARK : watermark,
    lateRecordsDropped: subtask === 0 ? lateRecordsDropped : 0,
    nextNamespace,
  };
}
