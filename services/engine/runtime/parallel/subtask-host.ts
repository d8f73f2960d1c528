import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type MessagePort, Worker } from 'node:worker_threads';
import type { CompletedCheckpoint } from '../../checkpoint/checkpoint-types.ts';
import type { ParallelTaskAck } from '../checkpointing/parallel-checkpointing.ts';
import type { ControlMessage, SubtaskMetrics, SubtaskWorkerData, WorkerMessage } from './control-messages.ts';

/** The worker entry (TypeScript), and tsx's loader API so a worker can load it whatever started us. */
const ENTRY_URL = new URL('./subtask-worker.ts', import.meta.url).href;
const TSX_API_URL = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
).href;
/** Registers tsx in the new thread (harmless when it inherited `--import tsx`), then loads the entry. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApiUrl)
  .then((tsx) => { tsx.register(); return import(workerData.entryUrl); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

/** What a host tells the job about its worker. */
export interface SubtaskHostListener {
  onEnded(subtask: number): void;
  onFailure(error: Error): void;
  /** A task of the worker acknowledged a checkpoint. */
  onCheckpointAck?(ack: ParallelTaskAck): void;
  /** A task of the worker could not snapshot or write a checkpoint. */
  onCheckpointDecline?(decline: { id: number; task: string; reason: string }): void;
}

/** Thrown in the main thread when a subtask fails: the worker's message, and its stack below ours. */
export class SubtaskFailure extends Error {
  constructor(
    readonly subtask: number,
    readonly parallelism: number,
    message: string,
    workerStack: string,
  ) {
    super(`subtask ${subtask + 1}/${parallelism} failed: ${message}`);
    this.name = 'SubtaskFailure';
    if (workerStack)
      this.stack = `${this.name}: ${this.message}\n--- in the worker thread ---\n${workerStack}`;
  }
}

/**
 * The main thread's handle on one subtask's worker thread: starts it, relays its control messages,
 * keeps its latest metrics, and shuts it down (politely with `close()`, at once with `terminate()`).
 * A worker that fails, throws uncaught or exits on its own is reported as a {@link SubtaskFailure}.
 */
export class SubtaskHost {
  private readonly worker: Worker;
  private latest: SubtaskMetrics | undefined;
  private readyWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly ready: Promise<void>;
  private closedWaiter: (() => void) | undefined;
  private metricsWaiters: ((metrics: SubtaskMetrics | undefined) => void)[] = [];
  private restoreWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private exited = false;
  private failed = false;
  /** Set once the job shuts the worker down: its exit is expected then. */
  private stopping = false;

  constructor(
    private readonly data: SubtaskWorkerData,
    transfer: readonly MessagePort[],
    private readonly listener: SubtaskHostListener,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
    });
    this.ready.catch(() => {});
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      name: `${data.jobName}#${data.subtask}`,
      workerData: { ...data, tsxApiUrl: TSX_API_URL, entryUrl: ENTRY_URL },
      transferList: [...transfer],
    });
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error) => this.onFailure(error.message, error.stack ?? ''));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.closedWaiter?.();
      for (const waiter of this.metricsWaiters.splice(0)) waiter(this.latest);
      if (!this.stopping) this.onFailure(`its worker thread exited unexpectedly (exit code ${code})`, '');
      else this.readyWaiter?.reject(new Error(`subtask ${data.subtask}: stopped before it was ready`));
      this.restoreWaiter?.reject(new Error(`subtask ${data.subtask}: its thread ended before it restored`));
    });
  }

  get subtask(): number {
    return this.data.subtask;
  }

  /** The last metrics the worker pushed. */
  get metrics(): SubtaskMetrics | undefined {
    return this.latest;
  }

  /** Resolves once the worker built and opened its part; rejects if it failed to. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  send(message: ControlMessage): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  /** Has the worker restore `checkpoint` (its key groups, its splits' sources); rejects if it fails. */
  restore(checkpoint: CompletedCheckpoint): Promise<void> {
    if (this.failed || this.exited) return Promise.reject(new Error(`subtask ${this.data.subtask} is gone`));
    return new Promise<void>((resolve, reject) => {
      this.restoreWaiter = { resolve, reject };
      this.send({ type: 'restore', checkpoint });
    });
  }

  /** Fresh metrics from the worker (the last known ones if it is gone). */
  requestMetrics(): Promise<SubtaskMetrics | undefined> {
    if (this.exited) return Promise.resolve(this.latest);
    return new Promise((resolve) => {
      this.metricsWaiters.push(resolve);
      this.send({ type: 'metrics' });
    });
  }

  /** Asks the worker to close its operators, waits for it (up to `timeoutMs`), then ends the thread. */
  async close(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (!this.exited) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.closedWaiter = resolve;
        timer = setTimeout(resolve, timeoutMs);
        this.send({ type: 'close' });
      });
      clearTimeout(timer);
    }
    await this.terminate();
  }

  /** Ends the thread now. */
  async terminate(): Promise<void> {
    this.stopping = true;
    if (!this.exited) await this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.readyWaiter?.resolve();
        break;
      case 'ended':
        this.listener.onEnded(this.data.subtask);
        break;
      case 'metrics':
        this.latest = message.metrics;
        for (const waiter of this.metricsWaiters.splice(0)) waiter(message.metrics);
        break;
      case 'closed':
        this.closedWaiter?.();
        break;
      case 'failed':
        this.onFailure(message.message, message.stack);
        break;
      case 'restored':
        this.restoreWaiter?.resolve();
        this.restoreWaiter = undefined;
        break;
      case 'checkpoint-ack':
        this.listener.onCheckpointAck?.(message.ack);
        break;
      case 'checkpoint-decline':
        this.listener.onCheckpointDecline?.({ id: message.id, task: message.task, reason: message.reason });
        break;
    }
  }

  private onFailure(message: string, stack: string): void {
    if (this.failed) return;
    this.failed = true;
    const error = new SubtaskFailure(this.data.subtask, this.data.parallelism, message, stack);
    this.readyWaiter?.reject(error);
    this.restoreWaiter?.reject(error);
    this.listener.onFailure(error);
  }
}
