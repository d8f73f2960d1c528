import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../../../ml/models/logistic-regression.ts';
import { StandardScaler } from '../../../../ml/models/standard-scaler.ts';
import { evaluateModelCommand } from '../../../../services/cli/commands/evaluate-model.ts';
import { createRandom } from '../../../../services/common/random.ts';
import { breastCancer, breastCancerPath } from '../../../ml/support/breast-cancer.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** The command wired to memory: captured output, errors thrown (with their exit code) instead of exiting. */
async function run(
  args: string[],
  options: { tty?: boolean; progressMinRows?: number } = {},
): Promise<{ out: string; err: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const command = evaluateModelCommand({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t), isTTY: options.tty ?? false },
    ...(options.progressMinRows === undefined ? {} : { progressMinRows: options.progressMinRows }),
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

async function json(
  args: string[],
  stderr = '',
): Promise<{ model: string; rows: number; metrics: Record<string, number> }> {
  const { out, err, exitCode } = await run([...args, '--json']);
  expect(err).toBe(stderr);
  expect(exitCode).toBe(0);
  return JSON.parse(out);
}

/** What test/ml/breast-cancer.test.ts computes: FTRL logistic regression behind a running scaler. */
function breastCancerAccuracy(): number {
  const rows = breastCancer();
  const scaler = new StandardScaler();
  const model = new LogisticRegression();
  let correct = 0;
  rows.forEach(({ x, y }, i) => {
    if (i > 0 && model.predictOne(scaler.transformOne(x)) === y) correct += 1;
    scaler.learnOne(x);
    model.learnOne(scaler.transformOne(x), y);
  });
  return correct / (rows.length - 1);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-evaluate-model-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function csvFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** `y = 2a - 3b + 1` with a, b ~ N(0, 1), no noise. */
async function linearCsv(n: number): Promise<{ file: string; ys: number[] }> {
  const random = createRandom(5);
  const lines = ['a,b,y'];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = random.normal();
    const b = random.normal();
    ys.push(2 * a - 3 * b + 1);
    lines.push(`${a},${b},${ys[i]}`);
  }
  return { file: await csvFile(`linear-${n}.csv`, `${lines.join('\n')}\n`), ys };
}

describe('eddy evaluate-model on the breast cancer data', () => {
  const base = ['--model', 'logistic-regression', '--data', breastCancerPath, '--target', 'label'];

  it('reaches the accuracy test/ml/breast-cancer.test.ts computes (>= 0.926), in exactly the --json shape', async () => {
    const result = await json(base);
    expect(Object.keys(result)).toEqual(['model', 'rows', 'metrics']);
    expect(result.model).toBe('logistic-regression');
    expect(result.rows).toBe(569);
    expect(Object.keys(result.metrics)).toEqual(['accuracy', 'log_loss', 'f1', 'roc_auc']);
    expect(result.metrics.accuracy).toBe(breastCancerAccuracy());
    expect(result.metrics.accuracy).toBeGreaterThanOrEqual(0.926);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.9);
  });

  it('prints a table of the metrics, the positive class named', async () => {
    const { out, err, exitCode } = await run(base);
    expect(exitCode).toBe(0);
    expect(err).toBe('');
    const accuracy = breastCancerAccuracy().toFixed(4);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'logistic-regression on breast-cancer.csv: 569 rows, 568 scored by progressive validation ' +
        '(target label, running standard scaler)',
    );
    expect(lines[1]).toBe(`  accuracy  ${accuracy}`);
    expect(lines[2]).toMatch(/^ {2}log_loss {2}0\.\d{4}$/);
    expect(lines[3]).toMatch(/^ {2}f1 {8}0\.\d{4} {2}\(positive class 1\)$/);
    expect(lines[4]).toMatch(/^ {2}roc_auc {3}0\.\d{4} {2}\(positive class 1\)$/);
  });

  it('takes --param and --no-scale', async () => {
    const scaled = await json([
      '--model',
      'gaussian-naive-bayes',
      '--data',
      breastCancerPath,
      '--target',
      'label',
    ]);
    const raw = await json([
      ...['--model', 'gaussian-naive-bayes', '--data', breastCancerPath, '--target', 'label', '--no-scale'],
    ]);
    expect(raw.metrics.accuracy).toBeGreaterThanOrEqual(0.91); // the level of the data README, unscaled
    expect(raw.metrics.accuracy).not.toBe(scaled.metrics.accuracy);
    const smoothed = await json([...base, '--param', 'alpha=0.01', '--param', 'reg=0.5']);
    expect(smoothed.metrics.accuracy).not.toBe(breastCancerAccuracy());
  });

  it('takes text labels for a classifier: the same accuracy, the greater label as the positive class', async () => {
    const text = await readFile(breastCancerPath, 'utf8');
    const named = text.replace(/,([01])(\r?\n|$)/g, (_, label: string, end: string) =>
      label === '0' ? `,malignant${end}` : `,benign${end}`,
    );
    expect(named).toContain(',benign');
    const file = await csvFile('named.csv', named);
    const args = ['--model', 'gaussian-naive-bayes', '--target', 'label', '--no-scale'];
    const byNumber = await json([...args, '--data', breastCancerPath]);
    const byName = await json([...args, '--data', file]);
    expect(byName.metrics.accuracy).toBe(byNumber.metrics.accuracy);
    expect((await run([...args, '--data', file])).out).toContain('(positive class malignant)');
  });

  it('draws a progress bar on a terminal only, for files long enough', async () => {
    expect((await run(base, { tty: false, progressMinRows: 0 })).err).toBe('');
    expect((await run(base, { tty: true })).err).toBe(''); // 569 rows: below the default 10,000
    const { err } = await run(base, { tty: true, progressMinRows: 100 });
    expect(err).toContain('/569');
  });
});

describe('eddy evaluate-model with a regressor', () => {
  it('reports the error of a model that never moves from 0 (learning rate 0): MAE, RMSE, R2 of y itself', async () => {
    const { file, ys } = await linearCsv(50);
    const scored = ys.slice(1); // the first row is not scored
    const mean = scored.reduce((s, y) => s + y, 0) / scored.length;
    const squares = scored.reduce((s, y) => s + y * y, 0);
    const result = await json([
      ...['--model', 'linear-regression', '--param', 'learningRate=0', '--data', file, '--target', 'y'],
    ]);
    expect(Object.keys(result.metrics)).toEqual(['mae', 'rmse', 'r2']);
    expect(result.rows).toBe(50);
    expect(result.metrics.mae).toBeCloseTo(scored.reduce((s, y) => s + Math.abs(y), 0) / scored.length, 12);
    expect(result.metrics.rmse).toBeCloseTo(Math.sqrt(squares / scored.length), 12);
    const spread = scored.reduce((s, y) => s + (y - mean) ** 2, 0);
    expect(result.metrics.r2).toBeCloseTo(1 - squares / spread, 9);
  });

  it('learns a noiseless linear stream: R2 near 1', async () => {
    const { file } = await linearCsv(400);
    const result = await json([
      ...['--model', 'linear-regression', '--param', 'learningRate=0.1', '--data', file, '--target', 'y'],
    ]);
    expect(result.metrics.r2).toBeGreaterThan(0.95);
    expect(result.metrics.rmse).toBeLessThan(1);
  });

  it('runs a TensorFlow.js model (trained between rows, deterministically), naming the backend', async () => {
    const { file } = await linearCsv(80);
    const args = ['--model', 'mlp-regressor', '--param', 'hiddenUnits=4', '--data', file, '--target', 'y'];
    const { err } = await run(args);
    const backendLine = err.match(/^TensorFlow\.js [\d.]+ runs on the (tensorflow|wasm|cpu) backend\n$/)?.[0];
    expect(backendLine, err).toBeDefined();
    const a = await json(args, backendLine);
    const b = await json(args, backendLine);
    expect(Object.values(a.metrics).every(Number.isFinite)).toBe(true);
    expect(b).toEqual(a);
  });
});

describe('eddy evaluate-model with more than two classes', () => {
  it('reports accuracy, log loss and macro F1', async () => {
    const random = createRandom(8);
    const centres: Record<string, [number, number]> = { red: [0, 0], green: [6, 0], blue: [0, 6] };
    const names = Object.keys(centres);
    const lines = ['u,v,colour'];
    for (let i = 0; i < 300; i++) {
      const name = names[random.int(names.length)]!;
      const [u, v] = centres[name]!;
      lines.push(`${u + random.normal()},${v + random.normal()},${name}`);
    }
    const file = await csvFile('colours.csv', `${lines.join('\n')}\n`);
    const result = await json(['--model', 'gaussian-naive-bayes', '--data', file, '--target', 'colour']);
    expect(Object.keys(result.metrics)).toEqual(['accuracy', 'log_loss', 'macro_f1']);
    expect(result.metrics.accuracy).toBeGreaterThan(0.9);
    expect(result.metrics.macro_f1).toBeGreaterThan(0.9);
  });
});

describe('the eddy command line', () => {
  it('runs evaluate-model: node bin/eddy.js evaluate-model ... --json', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        ...['bin/eddy.js', 'evaluate-model', '--model', 'logistic-regression'],
        ...['--data', 'test/data/breast-cancer.csv', '--target', 'label', '--json'],
      ],
      { cwd: root, timeout: 60_000 },
    );
    const result = JSON.parse(stdout);
    expect(result).toEqual({
      model: 'logistic-regression',
      rows: 569,
      metrics: expect.objectContaining({ accuracy: breastCancerAccuracy() }),
    });
  });
});
