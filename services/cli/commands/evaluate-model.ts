import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, Command as CommanderCommand } from 'commander';
import type { ClassLabel, Features } from '../../../ml/core/features.ts';
import type { ModelSpec } from '../../../ml/core/model-spec.ts';
import { pipeline } from '../../../ml/core/pipeline.ts';
import { Accuracy } from '../../../ml/evaluation/accuracy.ts';
import { type NumericCsv, parseNumericCsv } from '../../../ml/evaluation/csv-rows.ts';
import { F1, MacroF1 } from '../../../ml/evaluation/f1.ts';
import { LogLoss } from '../../../ml/evaluation/log-loss.ts';
import { Mae } from '../../../ml/evaluation/mae.ts';
import type { LabelMetric, ProbaMetric, RegressionMetric } from '../../../ml/evaluation/metric.ts';
import { R2 } from '../../../ml/evaluation/r2.ts';
import { Rmse } from '../../../ml/evaluation/rmse.ts';
import { RocAuc } from '../../../ml/evaluation/roc-auc.ts';
import { StandardScaler } from '../../../ml/models/standard-scaler.ts';
import { silentLogger } from '../../common/logger.ts';

/** What the command writes to; tests replace them. */
export interface EvaluateModelDependencies {
  stdout?: { write(text: string): unknown };
  /** Errors, the TensorFlow.js backend line and, on a terminal (`isTTY`), the progress bar. */
  stderr?: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Files with at least this many rows get a progress bar on a terminal (default 10,000). */
  progressMinRows?: number;
}

/** One row: the features and the target (a number, or a label for classifiers). */
type Example = { readonly x: Features; readonly y: number | ClassLabel };

type Flags = {
  model: string;
  param?: string[];
  data: string;
  target: string;
  scale: boolean;
  json?: boolean;
};

/** A problem with the input: `exitCode` 2 for usage (model, parameters), 1 for the data. */
class EvaluationError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/**
 * `eddy evaluate-model --model NAME [--param key=value ...] --data FILE.csv --target COLUMN
 * [--no-scale] [--json]`: streams the CSV's rows, in file order, through a registered classifier or
 * regressor by progressive validation (each row predicted by the model trained on the rows before
 * it, then learned; the first row is not scored), behind a running standard scaler unless
 * `--no-scale`, and prints its metrics: `accuracy` and `log_loss` for classifiers (with `f1` and
 * `roc_auc` of the positive class, the greater of exactly two labels, or `macro_f1` beyond two),
 * `mae`, `rmse` and `r2` for regressors. `--json` prints `{"model", "rows", "metrics"}` (`rows`:
 * the rows streamed). Every column but the target is a numeric feature; a classifier's target may
 * hold text labels (`benign`), a number-like label is a number (`1`).
 *
 * @example
 * eddy evaluate-model --model logistic-regression --data breast-cancer.csv --target label --json
 * // {"model":"logistic-regression","rows":569,"metrics":{"accuracy":0.9471...,...}}
 */
export function evaluateModelCommand(deps: EvaluateModelDependencies = {}): Command {
  const command = new CommanderCommand('evaluate-model')
    .description('score a model on a CSV file by progressive validation (predict each row, then learn it)')
    .requiredOption('--model <name>', 'registered model: a classifier or a regressor')
    .option('--param <key=value>', 'hyperparameter (repeatable)', (v, all: string[] = []) => all.concat(v))
    .requiredOption('--data <file>', 'CSV file: a header line, then numbers (the target may hold labels)')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--no-scale', 'feed the features as they are, without the running standard scaler')
    .option('--json', 'print {"model", "rows", "metrics"} as JSON');
  command.action(async (flags: Flags) => {
    try {
      await evaluate(flags, deps);
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      command.error(`error: ${error.message}`, { exitCode: error.exitCode });
    }
  });
  return command;
}

async function evaluate(flags: Flags, deps: EvaluateModelDependencies): Promise<void> {
  const stderr = deps.stderr ?? process.stderr;
  const [spec, params] = await modelAndParams(flags);
  const rows = readRows(await readData(flags.data), flags.data, flags.target, spec.type === 'classifier');
  if ('batchSize' in spec.params && 'everySamples' in spec.params) {
    const { initTensorFlow } = await import('../../../ml/tf/backend.ts'); // tfjs-node, else WASM, else CPU
    const tf = await initTensorFlow({ logger: silentLogger });
    stderr.write(`TensorFlow.js ${tf.version} runs on the ${tf.backend} backend\n`);
  }
  const run = evaluation(spec, params, flags.scale, rows);
  const bar =
    stderr.isTTY && rows.length >= (deps.progressMinRows ?? 10_000)
      ? new SingleBar({ stream: stderr as NodeJS.WriteStream, clearOnComplete: true })
      : undefined;
  bar?.start(rows.length, 0);
  try {
    // Test-then-train: from the second row on, each is scored before it is learned. A model
    // training in the background is waited for after each row, so its rounds come at the same rows
    // whatever the speed of the machine.
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) run.score(rows[i]!);
      run.learn(rows[i]!);
      if (run.background) await run.background.whenIdle();
      if (i % 1_000 === 999) bar?.update(i + 1);
    }
  } finally {
    bar?.stop();
    await run.background?.dispose();
  }
  (deps.stdout ?? process.stdout).write(report(flags, spec.name, rows.length, run.metrics));
}

/** `--json`: `{"model", "rows", "metrics"}`; else a sentence and one metric a line. */
function report(flags: Flags, model: string, rows: number, metrics: Evaluation['metrics']): string {
  if (flags.json) {
    const values = Object.fromEntries(metrics.map((m) => [m.name, m.get()]));
    return `${JSON.stringify({ model, rows, metrics: values })}\n`;
  }
  const width = Math.max(...metrics.map((m) => m.name.length));
  const line = (m: Evaluation['metrics'][number]) =>
    `  ${m.name.padEnd(width)}  ${m.get().toFixed(4)}` +
    `${m.positive === undefined ? '' : `  (positive class ${m.positive})`}\n`;
  return (
    `${model} on ${basename(flags.data)}: ${rows.toLocaleString('en-US')} rows, ` +
    `${(rows - 1).toLocaleString('en-US')} scored by progressive validation ` +
    `(target ${flags.target}, ${flags.scale ? 'running standard scaler' : 'not scaled'})\n` +
    metrics.map(line).join('')
  );
}

/** A model whose training runs off the per-record path (the TensorFlow.js ones). */
interface TrainsInBackground {
  whenIdle(): Promise<void>;
  dispose(): Promise<void>;
}

/** A model ready to stream: its metrics, how to score a row before learning it, and learn it. */
interface Evaluation {
  readonly metrics: readonly { readonly name: string; get(): number; readonly positive?: ClassLabel }[];
  score(row: Example): void;
  learn(row: Example): void;
  readonly background: TrainsInBackground | undefined;
}

/** Builds the model (behind a running standard scaler when `scale`) and its metrics. */
function evaluation(
  spec: ModelSpec,
  params: Readonly<Record<string, number | boolean | string>>,
  scale: boolean,
  rows: readonly Example[],
): Evaluation {
  const background = (model: object) =>
    'whenIdle' in model && 'dispose' in model ? (model as TrainsInBackground) : undefined;
  if (spec.type === 'classifier') {
    const model = spec.create(params);
    const m = scale ? pipeline(new StandardScaler(), model) : model;
    const metrics = classifierMetrics(rows);
    return {
      metrics: metrics.map(([metric]) => metric),
      score: (row) => {
        const label = m.predictOne(row.x);
        const proba = m.predictProbaOne(row.x);
        for (const [metric, by] of metrics) {
          if (by === 'label') (metric as LabelMetric).update(row.y, label);
          else (metric as ProbaMetric).update(row.y, proba);
        }
      },
      learn: (row) => m.learnOne(row.x, row.y),
      background: background(model),
    };
  }
  if (spec.type !== 'regressor') throw new Error(`${spec.name}: not a classifier or a regressor`);
  const model = spec.create(params);
  const m = scale ? pipeline(new StandardScaler(), model) : model;
  const metrics: RegressionMetric[] = [new Mae(), new Rmse(), new R2()];
  return {
    metrics,
    score: (row) => {
      const y = m.predictOne(row.x);
      for (const metric of metrics) metric.update(row.y as number, y);
    },
    learn: (row) => m.learnOne(row.x, row.y as number),
    background: background(model),
  };
}

/**
 * Accuracy and log loss; with exactly two labels, F1 and ROC AUC of the greater one (1 of 0 and 1,
 * `malignant` of `benign` and `malignant`); with more, macro F1. Each with what it is fed.
 */
function classifierMetrics(rows: readonly Example[]): [LabelMetric | ProbaMetric, 'label' | 'proba'][] {
  const labels = [...new Set(rows.map((r) => r.y))].sort(compareLabels);
  const metrics: [LabelMetric | ProbaMetric, 'label' | 'proba'][] = [
    [new Accuracy(), 'label'],
    [new LogLoss(), 'proba'],
  ];
  const positive = labels[1];
  if (labels.length === 2 && positive !== undefined) {
    metrics.push([new F1(positive), 'label'], [new RocAuc(positive), 'proba']);
  } else if (labels.length > 2) metrics.push([new MacroF1(), 'label']);
  return metrics;
}

/** Numbers before text, numbers by value, text by code points. */
function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The registered classifier or regressor `--model` names, and its `--param` values parsed. */
async function modelAndParams(flags: Flags): Promise<[ModelSpec, Record<string, number | boolean | string>]> {
  const registry = await import('../../../ml/models/registry.ts'); // lazily: it loads TensorFlow.js
  try {
    const spec = registry.findModelSpec(flags.model);
    if (spec.type !== 'classifier' && spec.type !== 'regressor') {
      throw new Error(
        `${spec.name} is a ${spec.type}; evaluate-model scores classifiers and regressors only`,
      );
    }
    return [spec, registry.parseModelParams(spec, rawParams(flags.param ?? []))];
  } catch (error) {
    throw new EvaluationError((error as Error).message, 2);
  }
}

/** `["a=1", "b=x=y"]` → `{ a: "1", b: "x=y" }`. */
function rawParams(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--param ${pair}: expected key=value, e.g. --param alpha=0.5`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

async function readData(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const why = { ENOENT: 'no such file', EISDIR: 'it is a directory' }[error.code ?? ''] ?? error.message;
    throw new EvaluationError(`cannot read --data ${file}: ${why}`, 1);
  });
}

/**
 * The rows of the CSV as examples: every column but `target` a numeric feature
 * (`parseNumericCsv`, which names the line and column of a bad cell). For a classifier the target
 * cells are labels: a number-like cell is a number, any other non-empty text is a text label.
 */
function readRows(text: string, source: string, target: string, labels: boolean): Example[] {
  const taken = labels ? takeLabels(text, source, target) : { text, labels: [] };
  let csv: NumericCsv;
  try {
    csv = parseNumericCsv(taken.text, source);
  } catch (error) {
    throw new EvaluationError((error as Error).message, 1);
  }
  const { columns, rows } = csv;
  const problem = !columns.includes(target)
    ? `${source} has no column "${target}"; its columns are: ${columns.join(', ')}`
    : columns.length < 2
      ? `${source}: no feature columns besides "${target}"`
      : rows.length < 2
        ? `${source}: ${rows.length} data rows; at least 2 are needed (the first is not scored)`
        : undefined;
  if (problem) throw new EvaluationError(problem, 1);
  return rows.map((row, i) => {
    const { [target]: y, ...x } = row;
    return { x, y: labels ? taken.labels[i]! : y! };
  });
}

/**
 * Takes the target cells out of `text` (each replaced by `0` so the rest parses as numbers), as
 * labels in row order. Lines with a wrong number of cells are left for `parseNumericCsv` to report.
 */
function takeLabels(text: string, source: string, target: string): { text: string; labels: ClassLabel[] } {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => line.trim() !== '');
  const columns = header < 0 ? [] : lines[header]!.split(',').map((c) => c.trim());
  const column = columns.indexOf(target);
  if (column < 0) return { text, labels: [] };
  const labels: ClassLabel[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    if (lines[i]!.trim() === '' || cells.length !== columns.length) continue;
    const label = cells[column]!.trim();
    if (label === '') throw new EvaluationError(`${source}:${i + 1}: column "${target}": empty label`, 1);
    const n = Number(label);
    labels.push(Number.isFinite(n) ? n : label);
    cells[column] = '0';
    lines[i] = cells.join(',');
  }
  return { text: lines.join('\n'), labels };
}
