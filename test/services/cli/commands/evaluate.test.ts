import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../../../services/cli/commands/evaluate.ts';

const nabDir = fileURLToPath(new URL('../../../data/nab', import.meta.url));

async function run(
  args: string[],
  options: { defaultDataDir?: string } = {},
): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const command = evaluateCommand({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    defaultDataDir: options.defaultDataDir ?? nabDir,
  })
    .exitOverride()
    .configureOutput({ writeErr: (t) => err.push(t), writeOut: (t) => out.push(t) });
  let exitCode = 0;
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
  }
  return { out: out.join(''), err: err.join(''), exitCode };
}

let dir: string;
let tiny: string;
/** A NAB-layout directory: one file, 1000 records a minute apart, windows at 300, 600 and 850. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-evaluate-'));
  tiny = join(dir, 'tiny');
  await mkdir(join(tiny, 'cat'), { recursive: true });
  const stamp = (i: number) =>
    new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  const rows = Array.from({ length: 1000 }, (_, i) => {
    const spike = [300, 600, 850].includes(i) ? 50 : 0;
    return `${stamp(i)},${(10 + Math.sin(i / 7) + spike).toFixed(4)}`;
  });
  await writeFile(join(tiny, 'cat', 'spikes.csv'), `timestamp,value\n${rows.join('\n')}\n`);
  const windows = [300, 600, 850].map((i) => [`${stamp(i)}.000000`, `${stamp(i + 19)}.000000`]);
  await writeFile(join(tiny, 'windows.json'), JSON.stringify({ 'cat/spikes.csv': windows }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('eddy evaluate', () => {
  it('--json prints exactly {"detectors": [{name, standard, rewardLowFP, rewardLowFN, precision, recall, f1, meanDelayMs}]}', async () => {
    const { out, err, exitCode } = await run([
      '--data',
      tiny,
      '--detector',
      'rolling-z-score',
      '--detector',
      'default',
      '--json',
    ]);
    expect([exitCode, err]).toEqual([0, '']);
    const result = JSON.parse(out);
    expect(Object.keys(result)).toEqual(['detectors']);
    expect(result.detectors.map((d: { name: string }) => d.name)).toEqual(['rolling-z-score', 'default']);
    for (const d of result.detectors) {
      expect(Object.keys(d)).toEqual([
        'name',
        'standard',
        'rewardLowFP',
        'rewardLowFN',
        'precision',
        'recall',
        'f1',
        'meanDelayMs',
      ]);
    }
    // three 50-unit spikes on a calm sine: found at once, nothing else
    expect(result.detectors[0]).toMatchObject({
      standard: 100,
      precision: 1,
      recall: 1,
      f1: 1,
      meanDelayMs: 0,
    });
  });

  it('prints a table per data set, one row per detector', async () => {
    const { out, exitCode } = await run(['--data', tiny, '--detector', 'ewma:alpha=0.1', '--raw']);
    expect(exitCode).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`${tiny}: 1 series, 1,000 records; raw scores of every record`);
    expect(lines[1]).toMatch(
      /^ {2}detector +standard +low FP +low FN +threshold +precision +recall +F1 +mean delay$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}ewma:alpha=0\.1 +100\.00 +100\.00 +100\.00 +[\d.]+ +1\.0000 +1\.0000 +1\.0000 +0 ms$/,
    );
  });

  it('--results-dir writes NAB result files per detector', async () => {
    const results = join(dir, 'results');
    const { exitCode } = await run([
      '--data',
      tiny,
      '--detector',
      'median-mad:window=60',
      '--results-dir',
      results,
    ]);
    expect(exitCode).toBe(0);
    expect(await readdir(join(results, 'median-mad-window-60', 'cat'))).toEqual([
      'median-mad-window-60_spikes.csv',
    ]);
    const text = await readFile(
      join(results, 'median-mad-window-60', 'cat', 'median-mad-window-60_spikes.csv'),
      'utf8',
    );
    expect(text.split('\n')[0]).toBe('timestamp,value,anomaly_score,label');
    expect(text.trimEnd().split('\n')).toHaveLength(1001);
  });

  it('evaluates a simulated fleet with its ground truth', async () => {
    const { out, exitCode } = await run(['--simulate', '3', '--seed', '2', '--minutes', '60', '--json']);
    expect(exitCode).toBe(0);
    const [d] = JSON.parse(out).detectors;
    expect(d.name).toBe('default');
    expect(d.precision).toBeGreaterThan(0.8);
    expect(d.recall).toBeGreaterThan(0.8);
  });

  it('names the data set in --json names when there are several', async () => {
    const { out } = await run([
      '--data',
      tiny,
      '--simulate',
      '1',
      '--minutes',
      '30',
      '--detector',
      'ewma',
      '--json',
    ]);
    const names = JSON.parse(out).detectors.map((d: { name: string }) => d.name);
    expect(names).toEqual([
      `ewma (${tiny})`,
      'ewma (simulated fleet (1 devices, seed 1, 30 min, 6 anomalies/device-hour))',
    ]);
  });
});

describe('eddy evaluate refuses', () => {
  it.each([
    [['--detector', 'nope'], 2, /unknown detector "nope"; the detectors are: .*ewma/],
    [['--detector', 'ewma:window=3'], 2, /ewma has no parameter "window"; its parameters are/],
    [['--detector', 'ewma:alpha=2'], 2, /ewma: parameter alpha: expected a finite number/],
    [['--detector', 'ewma:alpha'], 2, /--detector ewma:alpha: expected NAME:key=value/],
    [['--data', '/nonexistent/nab'], 1, /cannot read --data \/nonexistent\/nab: no such directory/],
  ])('%j with exit code %i', async (args, code, message) => {
    const { err, out, exitCode } = await run([...args, ...(args.includes('--data') ? [] : ['--data', tiny])]);
    expect(exitCode).toBe(code);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it('a directory not in NAB layout, and no data at all', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    expect((await run(['--data', empty])).err).toMatch(/windows\.json: cannot read it/);
    const none = await run([], { defaultDataDir: join(dir, 'missing') });
    expect(none.exitCode).toBe(1);
    expect(none.err).toMatch(/no labelled data: .*missing does not exist here; give --data DIR/);
  });
});

describe('the default detector set on the vendored NAB subset', () => {
  it('beats Twitter ADVec (47.1) on the NAB standard profile', async () => {
    const { out, exitCode } = await run(['--json']);
    expect(exitCode).toBe(0);
    const [d] = JSON.parse(out).detectors;
    expect(d.name).toBe('default');
    expect(d.standard).toBeGreaterThan(47.1);
  });
});
