import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGroundTruth } from '../../simulators/ground-truth.ts';
import { GroundTruthFile } from '../../simulators/ground-truth-file.ts';

describe('GroundTruthFile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-truth-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes labels as JSONL, replacing an older file', async () => {
    const path = join(dir, 'truth.jsonl');
    const first = await GroundTruthFile.open(path);
    first.write({ device: 'old', metric: null, kind: 'dropout', start: 0, end: 1 });
    await first.close();
    const file = await GroundTruthFile.open(path);
    file.write({ device: 'sim-0001', metric: 'power', kind: 'stuck', start: 0, end: 60_000 });
    file.write({ device: 'sim-0002', metric: null, kind: 'dropout', start: 5, end: 9 });
    await file.close();
    const labels = parseGroundTruth(await readFile(path, 'utf8'));
    expect(labels.map((l) => l.device)).toEqual(['sim-0001', 'sim-0002']);
  });

  it('says clearly when the file cannot be written', async () => {
    await expect(GroundTruthFile.open(join(dir, 'missing', 'truth.jsonl'))).rejects.toThrow(
      /cannot write the ground truth file .*missing.*check the path exists/,
    );
  });
});
