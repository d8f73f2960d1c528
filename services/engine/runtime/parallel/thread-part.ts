import type { Key, KeySelector } from '../../api/functions.ts';
import { type PhysicalPlan, type PlannedOperator, planChains } from '../../graph/chain-planner.ts';
import type { Exchange, ParallelLayout } from '../../graph/placement.ts';
import type { SourceTransformation, Transformation } from '../../graph/transformation.ts';
import type { Clock } from '../../time/clock.ts';
import type { DataPort } from '../channels/channel-messages.ts';
import type { ChannelOptions } from '../channels/channel-options.ts';
import { ChannelWriter } from '../channels/channel-writer.ts';
import type { ChannelMetrics, ExchangeOutput } from '../channels/exchange-output.ts';
import { InputGate } from '../channels/input-gate.ts';
import { KeyGroupPartitioner } from '../channels/key-group-partitioner.ts';
import { LocalChannel } from '../channels/local-channel.ts';
import { OutputAvailability } from '../channels/output-availability.ts';
import { type RecordCodec, structuredCloneCodec } from '../channels/record-codec.ts';
import { TaskOutputs } from '../channels/task-outputs.ts';
import { SinkOperator } from '../operators/sink-operator.ts';
import type { Downstream } from '../output.ts';
import { channelKey, type Instance, inputIndex, instancesOf } from './channel-endpoints.ts';
import { chainOperators, gateTaskName, type PartTask, sourceTaskName } from './part-tasks.ts';

export interface ThreadPartConfig {
  readonly transformations: readonly Transformation[];
  readonly layout: ParallelLayout;
  readonly instance: Instance;
  readonly maxParallelism: number;
  /** This thread's end of every cross-thread channel it takes part in, by channel key. */
  readonly ports: ReadonlyMap<string, DataPort>;
  /** Codecs by exchange id (`env.setRecordCodec`); structured clone otherwise. */
  readonly codecs: ReadonlyMap<number, RecordCodec<unknown>>;
  readonly channel: ChannelOptions;
  /** A task of this thread failed (a user function threw while processing a batch). */
  readonly onFailure: (error: unknown) => void;
  /** An input gate saw the end of all its inputs. */
  readonly onGateEnded: () => void;
  /** Times barrier alignments (metrics). */
  readonly clock?: Clock;
  /** Task `task`'s gate aligned checkpoint barrier `checkpointId`: snapshot it, forward the barrier. */
  readonly onAligned?: (task: PartTask, checkpointId: number) => void;
  /** Task `task`'s gate abandoned aligning `checkpointId`. */
  readonly onAlignmentAborted?: (task: PartTask, checkpointId: number, reason: string) => void;
}

/** A source of this thread with the chain it feeds. */
export interface SourceChain {
  readonly node: SourceTransformation;
  // biome-ignore lint/suspicious/noExplicitAny: heterogeneous plan
  readonly output: Downstream<any>;
  /** The exchanges the chain ends in (for idleness and end). */
  readonly outputs: TaskOutputs;
  /** Whether those exchanges have room: the source is paused while they do not. */
  readonly availability: OutputAvailability;
}

/**
 * One thread's part of a parallel job: the chains it runs (planned with direct calls inside),
 * the exchange outputs they end in (channel writers, local channels, key-group partitioners) and
 * the input gates where records from other threads come in. The main thread and every worker
 * build theirs from the same plan and layout, so both ends of every channel agree.
 *
 * A task (a chain with its input) is paused as a whole: its {@link OutputAvailability} turns false
 * when one of its outputs is full; a source task then pauses its source, a gate stops taking batches.
 * Each task is listed in {@link tasks} for checkpoints: a gate aligns barriers over its inputs and
 * calls `onAligned`; a source's chain is given its barrier by the runtime (`outputs.emitBarrier`).
 */
export class ThreadPart {
  readonly plan: PhysicalPlan;
  readonly sourceChains: SourceChain[] = [];
  readonly gates: InputGate<unknown>[] = [];
  readonly writers: ChannelWriter<unknown>[] = [];
  /** Every task of this thread (checkpoints): the sources' chains, then the gates' chains. */
  readonly tasks: PartTask[] = [];
  private readonly gateByExchange = new Map<number, InputGate<unknown>>();
  /** Per incoming exchange: blocked while its gate holds the local input for a barrier. */
  private readonly alignmentOf = new Map<number, OutputAvailability>();

  constructor(private readonly config: ThreadPartConfig) {
    const { layout, instance, transformations } = config;
    const here = instance === 'main' ? 'main' : 'subtasks';
    const incoming = layout.exchanges.filter((e) => e.to === here);

    // One availability per task: per source here, per incoming exchange.
    const availabilityOf = new Map<string, OutputAvailability>();
    const ownerOf = new Map<number, OutputAvailability>();
    const ownedBy = new Map<OutputAvailability, Exchange[]>();
    const addTask = (key: string, head: Transformation, feedsExchanges: boolean) => {
      const availability = new OutputAvailability();
      availabilityOf.set(key, availability);
      const owned = feedsExchanges ? layout.exchangesFrom(head).filter((e) => e.from === here) : [];
      for (const exchange of owned) {
        if (ownerOf.has(exchange.id)) {
          throw new Error(`exchange "${exchange.name}" is fed by two tasks; unions are not supported yet`);
        }
        ownerOf.set(exchange.id, availability);
      }
      ownedBy.set(availability, owned);
    };
    const localSources = transformations.filter(
      (n): n is SourceTransformation => n.kind === 'source' && layout.placement(n) === here,
    );
    for (const source of localSources) addTask(`source:${source.id}`, source, true);
    for (const exchange of incoming) {
      addTask(`exchange:${exchange.id}`, exchange.node, exchange.kind === 'hash');
      this.alignmentOf.set(exchange.id, new OutputAvailability());
    }

    // Outputs of this thread's tasks into exchanges, created before planning (the plan calls them).
    const outputs = new Map<number, ExchangeOutput<unknown>>();
    for (const exchange of layout.exchanges) {
      if (exchange.from !== here) continue;
      const owner = ownerOf.get(exchange.id);
      if (!owner) throw new Error(`exchange "${exchange.name}" has no producing task in ${instance}`);
      outputs.set(exchange.id, this.exchangeOutput(exchange, owner, availabilityOf));
    }

    this.plan = planChains(transformations, {
      runsHere: (node) => layout.placement(node) === here,
      exchange: (node, consumer) => {
        const exchange = layout.exchangeOn(node, consumer);
        return exchange && exchange.from === here ? outputs.get(exchange.id) : undefined;
      },
      entries: incoming.map((e) => e.node),
    });

    const taskOutputs = (availability: OutputAvailability) =>
      new TaskOutputs((ownedBy.get(availability) ?? []).map((e) => outputs.get(e.id)!));
    for (const { node, output } of this.plan.sources) {
      const availability = availabilityOf.get(`source:${node.id}`)!;
      const outputs = taskOutputs(availability);
      this.sourceChains.push({ node, output, outputs, availability });
      const operators = chainOperators(this.plan, layout, node, here);
      followSinks(availability, operators);
      this.tasks.push({ name: sourceTaskName(node), head: node, operators, outputs, keyed: false });
    }
    for (const exchange of incoming) {
      const availability = availabilityOf.get(`exchange:${exchange.id}`)!;
      const chainOutputs = taskOutputs(availability);
      const producers = instancesOf(exchange.from, layout.parallelism);
      let task!: PartTask; // set once the gate exists; its listener refers to it
      const gate = new InputGate<unknown>(
        exchange.name,
        producers.length,
        this.plan.entries.get(exchange.id)!,
        {
          onIdleChange: (idle) => (idle ? chainOutputs.markIdle() : chainOutputs.markActive()),
          onEnded: () => {
            chainOutputs.end();
            config.onGateEnded();
          },
          onFailure: config.onFailure,
          onBarrier: (id) => config.onAligned?.(task, id),
          onAlignmentAborted: (id, reason) => config.onAlignmentAborted?.(task, id, reason),
        },
        availability,
        {
          ...(config.clock ? { clock: config.clock } : {}),
          localAvailability: this.alignmentOf.get(exchange.id)!,
        },
      );
      task = {
        name: gateTaskName(exchange),
        head: exchange.node,
        operators: chainOperators(this.plan, layout, exchange.node, here, exchange),
        outputs: chainOutputs,
        gate,
        keyed: exchange.kind === 'hash',
      };
      followSinks(availability, task.operators);
      this.tasks.push(task);
      for (const from of producers) {
        if (from === instance) continue; // a local channel feeds it directly
        gate.attach(
          inputIndex(exchange, from),
          this.port(channelKey(exchange.id, from, instance)),
          this.codec(exchange),
        );
      }
      this.gates.push(gate);
      this.gateByExchange.set(exchange.id, gate);
    }
  }

  /** True once every input gate of this thread saw the end of all its inputs. */
  get gatesEnded(): boolean {
    return this.gates.every((gate) => gate.ended);
  }

  channelMetrics(): ChannelMetrics[] {
    return this.writers.map((writer) => writer.metrics());
  }

  /** Closes every channel of this thread (the job is over or failed). */
  close(): void {
    for (const writer of this.writers) writer.close();
    for (const gate of this.gates) gate.close();
  }

  private exchangeOutput(
    exchange: Exchange,
    owner: OutputAvailability,
    availabilityOf: ReadonlyMap<string, OutputAvailability>,
  ): ExchangeOutput<unknown> {
    const { instance, layout, channel } = this.config;
    const label = (to: Instance) => ({ exchange: exchange.name, from: instance, to });
    if (exchange.kind === 'gather') {
      const writer = new ChannelWriter(
        label('main'),
        this.port(channelKey(exchange.id, instance, 'main')),
        this.codec(exchange),
        channel,
        owner,
        this.config.onFailure,
      );
      this.writers.push(writer);
      return writer;
    }
    const partition = exchange.node;
    if (partition.kind !== 'partition') throw new Error(`hash exchange on a ${partition.kind} node`);
    const targets = instancesOf('subtasks', layout.parallelism).map((to): ExchangeOutput<unknown> => {
      if (to === instance) {
        // Same thread: straight into the local gate; this task waits when that task's outputs are full.
        owner.follow(availabilityOf.get(`exchange:${exchange.id}`)!);
        owner.follow(this.alignmentOf.get(exchange.id)!); // and while that task aligns a barrier on it
        return new LocalChannel(() => this.gateByExchange.get(exchange.id)!, inputIndex(exchange, instance));
      }
      const port = this.port(channelKey(exchange.id, instance, to));
      const writer = new ChannelWriter(
        label(to),
        port,
        this.codec(exchange),
        channel,
        owner,
        this.config.onFailure,
      );
      this.writers.push(writer);
      return writer;
    });
    return new KeyGroupPartitioner(
      partition.keySelector as KeySelector<unknown, Key>,
      targets,
      this.config.maxParallelism,
    );
  }

  private codec(exchange: Exchange): RecordCodec<unknown> {
    return this.config.codecs.get(exchange.id) ?? structuredCloneCodec();
  }

  private port(key: string): DataPort {
    const port = this.config.ports.get(key);
    if (!port) throw new Error(`no port for channel ${key}: the threads disagree on the plan`);
    return port;
  }
}

/**
 * Sink backpressure: the task is held while a sink of its chain is not writable (a gate stops
 * taking batches, so its producers run out of credit; a source's chain pauses its source).
 */
function followSinks(availability: OutputAvailability, operators: readonly PlannedOperator[]): void {
  for (const { operator } of operators) {
    if (operator instanceof SinkOperator) availability.follow(operator.availability);
  }
}
