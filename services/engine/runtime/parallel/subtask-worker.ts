/**
 * Entry point of a subtask's worker thread (started by `subtask-host.ts`). Everything it needs
 * comes in `workerData`; it talks to the main thread over `parentPort`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SubtaskWorkerData } from './control-messages.ts';
import { SubtaskRuntime } from './subtask-runtime.ts';

if (!parentPort)
  throw new Error('subtask-worker.ts runs in a worker thread started by the job, not on its own');
await SubtaskRuntime.start(workerData as SubtaskWorkerData, parentPort);
