import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateModelCommand } from '../../../../services/cli/commands/evaluate-model.ts';

/** Runs the command with captured output; an error gives its exit code instead of exiting. */
async function run(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const command = evaluateModelCommand({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
  })
    .exitOverride()
    .configureOutput({ writeErr: (t) => err.push(t), writeOut: (t) => out.push(t) });
  try {
    await command.parseAsync(args, { from: 'user' });
    return { out: out.join(''), err: err.join(''), exitCode: 0 };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out: out.join(''), err: err.join(''), exitCode: error.exitCode };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-evaluate-model-errors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function csvFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** A good regressor CSV: the refusals below come from the flags alone. */
const linearCsv = async () => ({ file: await csvFile('good.csv', 'a,b,y\n1,2,3\n2,1,4\n3,3,5\n') });

describe('eddy evaluate-model refuses', () => {
  it.each([
    [
      ['--model', 'nope'],
      2,
      /unknown model "nope"; the models are: .*linear-regression.*logistic-regression/,
    ],
    [
      ['--model', 'online-kmeans'],
      2,
      /online-kmeans is a clusterer; evaluate-model scores classifiers and regressors only/,
    ],
    [['--model', 'holt-winters'], 2, /holt-winters is a forecaster/],
    [['--model', 'standard-scaler'], 2, /standard-scaler is a transformer/],
    [
      ['--model', 'linear-regression', '--param', 'rate=1'],
      2,
      /no parameter "rate"; its parameters are:\n {2}optimizer/,
    ],
    [
      ['--model', 'linear-regression', '--param', 'l2=-1'],
      2,
      /parameter l2: expected a finite number >= 0, got "-1"/,
    ],
    [['--model', 'linear-regression', '--param', 'l2'], 2, /--param l2: expected key=value/],
  ])('%j with exit code %i', async (args, code, message) => {
    const { file } = await linearCsv();
    const { err, exitCode, out } = await run([...args, '--data', file, '--target', 'y']);
    expect(exitCode).toBe(code);
    expect(err).toMatch(message);
    expect(out).toBe('');
  });

  it.each([
    ['missing.csv', null, 'y', /cannot read --data .*missing\.csv: no such file/],
    ['empty.csv', '', 'y', /empty\.csv: empty file/],
    ['blank.csv', '\n \n', 'y', /blank\.csv: empty file/],
    ['header.csv', 'a,y\n', 'y', /header\.csv: 0 data rows; at least 2 are needed/],
    ['one.csv', 'a,y\n1,2\n', 'y', /one\.csv: 1 data rows; at least 2 are needed/],
    ['no-target.csv', 'a,b\n1,2\n3,4\n', 'y', /no-target\.csv has no column "y"; its columns are: a, b/],
    ['only-target.csv', 'y\n1\n2\n', 'y', /only-target\.csv: no feature columns besides "y"/],
    [
      'bad-cell.csv',
      'a,y\n1,2\n3,x\n',
      'y',
      /bad-cell\.csv:3: column "y": expected a finite number, got "x"/,
    ],
    ['short-row.csv', 'a,y\n1,2\n3\n', 'y', /short-row\.csv:3: 1 cells, but the header has 2 columns/],
  ])('%s (a regressor)', async (name, text, target, message) => {
    const file = join(dir, name);
    if (text !== null) await writeFile(file, text);
    const { err, exitCode } = await run(['--model', 'linear-regression', '--data', file, '--target', target]);
    expect(exitCode).toBe(1);
    expect(err).toMatch(message);
  });

  it.each([
    [
      'label-bad-feature.csv',
      'a,y\n1,yes\nz,no\n',
      /label-bad-feature\.csv:3: column "a": expected a finite number, got "z"/,
    ],
    ['label-empty.csv', 'a,y\n1,yes\n2, \n', /label-empty\.csv:3: column "y": empty label/],
    ['label-short.csv', 'a,y\n1,yes\n2\n', /label-short\.csv:3: 1 cells, but the header has 2 columns/],
  ])('%s (a classifier)', async (name, text, message) => {
    const file = await csvFile(name, text);
    const { err, exitCode } = await run(['--model', 'gaussian-naive-bayes', '--data', file, '--target', 'y']);
    expect(exitCode).toBe(1);
    expect(err).toMatch(message);
  });
});
