import type { TaskStateHandle } from '../../checkpoint/checkpoint-types.ts';
import { encodeTaskSnapshot } from '../../checkpoint/snapshot-codec.ts';
import { writeEncodedSnapshot } from '../../checkpoint/task-snapshot-file.ts';

/**
 * Writes the snapshot file of a task that keeps no state (it only flushed, e.g. sinks fed by the
 * subtasks), so that every task the coordinator expects has a file in the manifest. `taskId` is
 * `"<task>#<subtask>"`; a subtask that is not a number (`sinks#main`) stays part of the name.
 *
 * @example
 * await writeStatelessSnapshot(store.checkpointDir(7), 'sinks#main'); // sinks_main-<hash>.0.snap
 */
export function writeStatelessSnapshot(dir: string, taskId: string): Promise<TaskStateHandle> {
  const match = /^(.*)#(\d+)$/.exec(taskId);
  const snapshot = {
    task: match ? match[1]! : taskId,
    subtask: match ? Number(match[2]) : 0,
    keyGroupRange: null,
    operators: [],
  };
  return writeEncodedSnapshot(dir, snapshot, encodeTaskSnapshot(snapshot));
}
