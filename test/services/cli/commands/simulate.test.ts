import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../../../services/cli/commands/simulate.ts';
import { ManualClock } from '../../../../services/engine/time/clock.ts';
import { parseGroundTruth } from '../../../../simulators/ground-truth.ts';
import { MemoryPublisher } from '../../../../simulators/memory-publisher.ts';

const T0 = Date.UTC(2024, 0, 1);

/** The command wired to memory: no broker, no process exit, captured output. */
function harness(options: { tty?: boolean; onFirstPublish?: () => void } = {}) {
  const publisher = new MemoryPublisher();
  let first = options.onFirstPublish;
  const recording = {
    publish: (topic: string, payload: string, o: { qos: 0 | 1 }) => {
      publisher.publish(topic, payload, o);
      first?.();
      first = undefined;
    },
    closed: false,
    close: async () => {
      recording.closed = true;
    },
  };
  const urls: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const clock = new ManualClock(T0);
  const signals = new EventEmitter();
  const command = simulateCommand({
    connect: async (url) => {
      urls.push(url);
      return recording;
    },
    clock,
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: options.tty ?? false },
    signals,
  })
    .exitOverride()
    .configureOutput({ writeErr: (t) => err.push(t), writeOut: (t) => out.push(t) });
  const run = (...args: string[]) => command.parseAsync(args, { from: 'user' });
  return { run, publisher, recording, urls, out, err, clock, signals };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('eddy simulate', () => {
  it('publishes a fast run and prints a summary', async () => {
    const h = harness();
    await h.run(
      '--fast',
      '--duration',
      '10',
      '--devices',
      '3',
      '--qos',
      '1',
      '--start',
      '2024-01-01T00:00:00Z',
    );
    expect(h.urls).toEqual(['mqtt://127.0.0.1:1883']);
    expect(h.publisher.messages).toHaveLength(30);
    expect(h.publisher.messages.every((m) => m.qos === 1)).toBe(true);
    expect(JSON.parse(h.publisher.messages[0]!.payload).ts).toBe(T0);
    expect(h.recording.closed).toBe(true);
    expect(h.out.join('')).toMatch(/simulated 3 devices .*\(done\): 30 messages, 30 readings/);
    expect(h.out.join('')).toMatch(/faults: 0 out-of-order, 0 late, 0 duplicates, 0 malformed/);
  });

  it('reads every flag from EDDY_<FLAG> when not given', async () => {
    vi.stubEnv('EDDY_DEVICES', '2');
    vi.stubEnv('EDDY_FAST', 'true');
    vi.stubEnv('EDDY_DURATION', '5');
    vi.stubEnv('EDDY_BATCH', '5');
    vi.stubEnv('EDDY_MQTT', 'mqtt://broker.test:1884');
    vi.stubEnv('EDDY_ANOMALY_RATE', '0');
    const h = harness();
    await h.run('--devices', '4');
    expect(h.urls).toEqual(['mqtt://broker.test:1884']);
    expect(h.publisher.messages).toHaveLength(4); // 4 devices (the flag wins), one batch of 5 each
    expect(JSON.parse(h.publisher.messages[0]!.payload)).toHaveLength(5);
  });

  it('runs in real time by the clock, with a progress line, until the duration', async () => {
    vi.stubEnv('EDDY_FAST', '0');
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const h = harness({ onFirstPublish: () => started() });
    const done = h.run('--duration', '12', '--devices', '2', '--rate', '2');
    await running;
    expect(h.publisher.messages).toHaveLength(2);
    h.clock.advance(5_000);
    expect(h.publisher.messages).toHaveLength(22);
    // The progress timer fires before the publishing one due at the same time.
    expect(h.err).toEqual([
      'simulate: 20 messages · 20 readings · 4.0 msg/s · 0 anomalies · event time 2024-01-01T00:00:04.500Z · 5.0s elapsed\n',
    ]);
    h.clock.advance(7_000);
    await done;
    expect(h.publisher.messages).toHaveLength(48);
    expect(h.out.join('')).toMatch(/for 12\.0s \(done\): 48 messages/);
  });

  it('rewrites one line on a terminal', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const h = harness({ tty: true, onFirstPublish: () => started() });
    const done = h.run('--duration', '1');
    await running;
    h.clock.advance(500);
    expect(h.err).toHaveLength(2);
    expect(h.err[0]!.startsWith('\r\x1b[2Ksimulate: 20 messages')).toBe(true);
    h.clock.advance(500);
    await done;
    expect(h.err[h.err.length - 1]).toBe('\r\x1b[2K');
  });

  it('stops cleanly on Ctrl-C and writes the ground truth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-simulate-'));
    try {
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const h = harness({ onFirstPublish: () => started() });
      const truth = join(dir, 'truth.jsonl');
      const done = h.run('--anomaly-rate', '600', '--ground-truth', truth);
      await running;
      h.clock.advance(60_000);
      h.signals.emit('SIGINT');
      await done;
      expect(h.out.join('')).toContain(
        `(stopped): ${h.publisher.messages.length.toLocaleString('en-US')} messages`,
      );
      expect(h.publisher.messages.length).toBeGreaterThan(1_000);
      const labels = parseGroundTruth(await readFile(truth, 'utf8'));
      expect(labels.length).toBeGreaterThan(20);
      expect(h.out.join('')).toContain(`ground truth: ${labels.length} labels written to ${truth}`);
      expect(h.signals.listenerCount('SIGINT')).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--devices', '0'], /--devices <n>' argument '0' is invalid. expected a whole number from 1 to 100000/],
    [['--rate', 'fast'], /--rate <r>' argument 'fast' is invalid/],
    [['--qos', '2'], /expected 0 or 1/],
    [['--late', '1.2'], /expected a probability from 0 to 1/],
    [['--late', '0.5', '--out-of-order', '0.6'], /--out-of-order and --late add up to more than 1/],
    [['--start', 'yesterday'], /expected an ISO 8601 time/],
    [['--duration', '-3'], /--duration <seconds>' argument '-3' is invalid/],
  ])('rejects %j with a clear error', async (args, message) => {
    const h = harness();
    await expect(h.run(...args)).rejects.toThrow();
    expect(h.err.join('')).toMatch(message);
    expect(h.publisher.messages).toHaveLength(0);
  });

  it('reports a bad environment value by its variable', async () => {
    vi.stubEnv('EDDY_SEED', 'x');
    const h = harness();
    await expect(h.run()).rejects.toThrow();
    expect(h.err.join('')).toMatch(/from env 'EDDY_SEED' is invalid/);
  });

  it('says so when the broker cannot be reached', async () => {
    const err: string[] = [];
    const command = simulateCommand({ stderr: { write: () => {} } })
      .exitOverride()
      .configureOutput({ writeErr: (t) => err.push(t) });
    await expect(
      command.parseAsync(['--mqtt', 'mqtt://127.0.0.1:1', '--duration', '1'], { from: 'user' }),
    ).rejects.toThrow();
    expect(err.join('')).toMatch(
      /cannot connect to the MQTT broker at mqtt:\/\/127.0.0.1:1 .*Is a broker running there/,
    );
  });
});
