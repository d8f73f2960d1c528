import { describe, expect, it } from 'vitest';
import { createDefaultDetector, DEFAULT_DETECTOR_SET } from '../../../ml/detectors/default-set.ts';
import type { DetectorSpec } from '../../../ml/detectors/detector.ts';
import { isTimerDriven } from '../../../ml/detectors/detector.ts';
import {
  createEnsemble,
  type EnsembleMember,
  formatEnsembleMembers,
} from '../../../ml/detectors/ensemble.ts';
import { combineExplanations, combineScores } from '../../../ml/detectors/ensemble-combine.ts';
import { DetectorRegistryError } from '../../../ml/detectors/registry.ts';
import { detectorContract } from './support/detector-contract.ts';

/** A spec building ensembles of `members` (not registered: the contract suite only needs a spec). */
function ensembleSpecOf(members: readonly EnsembleMember[], combine: 'max' | 'vote'): DetectorSpec {
  return {
    name: 'ensemble',
    description: `${combine} of ${members.map((m) => m.detector).join(', ')}`,
    input: 'multivariate',
    detects: ['spike'],
    params: {
      combine: { type: 'string', default: combine, choices: ['max', 'vote'], description: 'How to combine.' },
      members: { type: 'string', default: formatEnsembleMembers(members), description: 'The members.' },
      seed: { type: 'integer', default: 0, description: 'Added to the seeds of the members.' },
    },
    create: (p) =>
      createEnsemble({
        combine: p.combine as 'max' | 'vote',
        members: p.members as string,
        seed: p.seed as number,
      }),
  };
}

const spikeMembers: EnsembleMember[] = [
  { detector: 'rolling-z-score', params: {} },
  { detector: 'half-space-trees', params: { windowSize: 100 } },
  { detector: 'ewma', params: {} },
];

detectorContract(ensembleSpecOf(spikeMembers, 'max'));
detectorContract(ensembleSpecOf(spikeMembers, 'vote'));

describe('ensembles: known answers', () => {
  it('combines scores by max and by vote (a majority scores >= 0.5)', () => {
    expect(combineScores('max', [0.2, 0.9, 0.4])).toBe(0.9);
    expect(combineScores('vote', [0.6, 0.8, 0.1])).toBeCloseTo(0.625, 12);
    expect(combineScores('vote', [0.9, 0.1, 0.2])).toBeCloseTo(0.35, 12);
    expect(combineScores('vote', [1, 1, 1])).toBe(1);
    expect(combineScores('vote', [0, 0, 0])).toBe(0);
    // two members: one vote of two is no majority
    expect(combineScores('vote', [1, 0.49])).toBeLessThan(0.5);
    expect(combineScores('vote', [0.5, 0.5])).toBeGreaterThanOrEqual(0.5);
  });

  it('explains by the highest member (max) or names the voters (vote)', () => {
    const explanations = [
      { score: 0.9, expected: 20, lower: 18, upper: 22, reason: '25 is 4 std from 20' },
      { score: 0.6, reason: 'flat at 25 for 40 records over 40 s' },
      { score: 0.1, reason: 'calm' },
    ];
    const names = ['ewma', 'stuck-sensor', 'median-mad'];
    expect(combineExplanations('max', names, explanations)).toEqual({
      score: 0.9,
      expected: 20,
      lower: 18,
      upper: 22,
      reason: 'ewma: 25 is 4 std from 20',
    });
    const vote = combineExplanations('vote', names, explanations);
    expect(vote.score).toBe(combineScores('vote', [0.9, 0.6, 0.1]));
    expect(vote.reason).toBe('2 of 3 voted: ewma (0.9), stuck-sensor (0.6); ewma: 25 is 4 std from 20');
  });

  it('scores a spike as its highest member on a known stream', () => {
    const d = createEnsemble({
      combine: 'max',
      seed: 0,
      members: formatEnsembleMembers([
        { detector: 'rolling-z-score', params: { window: 5, warmup: 5 } },
        { detector: 'stuck-sensor', params: { minCount: 3 } },
      ]),
    });
    [1, 2, 3, 4, 5].forEach((v, i) => {
      d.learnOne({ value: v }, i);
    });
    expect(d.scoreOne({ value: 6 }, 5)).toBeCloseTo(0.0993, 4);
    expect(d.explainOne({ value: 6 }, 5).reason).toMatch(/^rolling-z-score: 6 is 1\.897 std/);
  });

  it('passes its seed on to seeded members', () => {
    const members = formatEnsembleMembers([{ detector: 'half-space-trees', params: { seed: 3 } }]);
    const d = createEnsemble({ combine: 'max', members, seed: 4 });
    const member = (d.snapshot().state as { members: { params: { seed: number } }[] }).members[0]!;
    expect(member.params.seed).toBe(7);
  });

  it('is driven by timers when a member is (dropout), the earliest deadline first', () => {
    const d = createEnsemble({
      combine: 'max',
      seed: 0,
      members: formatEnsembleMembers([
        { detector: 'ewma', params: {} },
        { detector: 'dropout', params: { warmup: 3 } },
      ]),
    });
    expect(isTimerDriven(d)).toBe(true);
    for (const ts of [0, 10_000, 20_000, 30_000]) d.learnOne({ value: 1 }, ts);
    if (!isTimerDriven(d)) throw new Error('not timer driven');
    expect(d.nextCheck()).toBe(60_000);
    const silence = d.explainSilence(160_000);
    expect(silence.score).toBeGreaterThan(0.9);
    expect(silence.reason).toMatch(/^dropout: /);
    expect(
      isTimerDriven(
        createEnsemble({ combine: 'max', seed: 0, members: '[{"detector":"ewma","params":{}}]' }),
      ),
    ).toBe(false);
  });

  it('refuses unknown members and parameters with the registry errors, and bad member lists', () => {
    const build = (members: string) => () => createEnsemble({ combine: 'max', seed: 0, members });
    expect(build('[{"detector":"nope","params":{}}]')).toThrow(DetectorRegistryError);
    expect(build('[{"detector":"ewma","params":{"window":3}}]')).toThrow(/ewma has no parameter "window"/);
    expect(build('[]')).toThrow(/non-empty JSON array/);
    expect(build('{')).toThrow(/members is not JSON/);
    expect(() => createEnsemble({ combine: 'sum' as 'max', seed: 0, members: '[]' })).toThrow(
      /combine must be max or vote/,
    );
  });

  it('restores only a snapshot with as many members', () => {
    const d = createDefaultDetector();
    const snapshot = d.snapshot();
    const state = snapshot.state as { members: unknown[] };
    expect(() => d.clone().restore({ ...snapshot, state: { members: state.members.slice(1) } })).toThrow(
      /2 member snapshots for 3 members/,
    );
  });

  it('builds the default set from its member specs, reading the feature given', () => {
    const d = createDefaultDetector('temperature');
    expect(d.kind).toBe('ensemble');
    expect(JSON.parse(d.params.members).map((m: EnsembleMember) => m.detector)).toEqual(
      DEFAULT_DETECTOR_SET.members.map((m) => m.detector),
    );
    const ts = (i: number) => i * 1_000;
    for (let i = 0; i < 200; i++) d.learnOne({ temperature: 20 + Math.sin(i) * 0.1 }, ts(i));
    expect(d.scoreOne({ temperature: 30 }, ts(200))).toBeGreaterThan(0.99);
    expect(d.scoreOne({ value: 30 }, ts(200))).toBe(0);
  });
});
