import { describe, expect, it } from 'vitest';
import { LinearRegression } from '../../../ml/models/linear-regression.ts';
import { type BroadcastModel, ModelBroadcast, newReplicaId } from '../../../ml/operators/model-broadcast.ts';
import { waitFor } from '../../support/wait-for.ts';

const model = (version: number): BroadcastModel => ({ version, snapshot: new LinearRegression().snapshot() });

describe('ModelBroadcast', () => {
  it('delivers to the addressed replicas of its thread synchronously', () => {
    const broadcast = new ModelBroadcast('test/local');
    const got: string[] = [];
    broadcast.join('a', (m) => got.push(`a${m.version}`), false);
    broadcast.join('b', (m) => got.push(`b${m.version}`), false);
    broadcast.publish(model(1), ['a']);
    broadcast.publish(model(2), ['a', 'b']);
    expect(got).toEqual(['a1', 'a2', 'b2']);
  });

  it('sends what is addressed to other replicas over its BroadcastChannel; a link keeps only its own', async () => {
    // two links of the same topic stand for two threads (a BroadcastChannel reaches other instances in this thread too)
    const [merger, worker, otherJob] = [0, 1, 2].map(() => new ModelBroadcast('test/cross'));
    const release = merger!.openCrossThread();
    const got: string[] = [];
    const leave = worker!.join('w1', (m) => got.push(`w1:${m.version}`), true);
    const leaveOther = otherJob!.join('x1', (m) => got.push(`x1:${m.version}`), true);
    merger!.publish(model(1), ['w1']);
    await waitFor(() => got.length > 0, { timeoutMs: 2_000, message: 'the model to cross the channel' });
    merger!.publish(model(2), ['w1']);
    await waitFor(() => got.length > 1, { timeoutMs: 2_000, message: 'the second model' });
    expect(got).toEqual(['w1:1', 'w1:2']); // another job's replica on the same topic heard nothing
    leave();
    leaveOther();
    release();
  });

  it('closes its channel when the last user leaves: nothing arrives after', async () => {
    const [a, b] = [new ModelBroadcast('test/close'), new ModelBroadcast('test/close')];
    const release = a.openCrossThread();
    const got: number[] = [];
    const leave = b.join('r', (m) => got.push(m.version), true);
    leave();
    a.publish(model(1), ['r']);
    const probe = new ModelBroadcast('test/close');
    const seen: number[] = [];
    const leaveProbe = probe.join('p', (m) => seen.push(m.version), true);
    a.publish(model(2), ['p']); // sent after the first: once it arrived, the first would have too
    await waitFor(() => seen.length > 0, { timeoutMs: 2_000, message: 'the probe model' });
    expect(got).toEqual([]);
    leaveProbe();
    release();
  });

  it('makes replica ids unique in the process', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newReplicaId()));
    expect(ids.size).toBe(100);
  });
});
