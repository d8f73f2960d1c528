import { waitFor } from '../../../../../support/wait-for.ts';

/** Message ports and workers alive in this thread. */
export function threadResources(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;
}

/**
 * Resolves once no message port or worker is left in this thread (ports finish closing a turn
 * after `close()`); fails after 2 s, which means a job left a thread or a channel behind.
 */
export function noThreadsLeft(): Promise<void> {
  return waitFor(() => threadResources() === 0, {
    timeoutMs: 2_000,
    message: 'every worker thread and channel port of the job to be closed',
  });
}
