import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type Command, Command as CommanderCommand } from 'commander';
import { DEFAULT_DETECTOR_SET } from '../../../ml/detectors/default-set.ts';
import { DetectorRegistryError } from '../../../ml/detectors/registry.ts';
import {
  type DetectorConfiguration,
  type DetectorEvaluation,
  evaluateDetector,
  type LabelledDataSet,
} from '../../../ml/evaluation/detector-evaluation.ts';
import { detectorConfiguration, resultFileName } from '../../../ml/evaluation/detector-evaluation-configs.ts';
import { simulatedSeries } from '../../../ml/evaluation/detector-evaluation-simulated.ts';
import { loadNabDataSet } from '../../../ml/evaluation/nab/nab-data-set.ts';
import { writeNabResults } from '../../../ml/evaluation/nab/nab-results-writer.ts';
import { parseCount, parseInteger } from '../options.ts';
import { formatEvaluationTables } from './evaluate-report.ts';

/** What the command writes to; tests replace them. */
export interface EvaluateDependencies {
  stdout?: { write(text: string): unknown };
  /** Errors and, on a terminal (`isTTY`), the progress bar. */
  stderr?: { write(text: string): unknown; readonly isTTY?: boolean };
  /** Runs of at least this many records (all detectors) get a progress bar on a terminal (default 50,000). */
  progressMinRecords?: number;
  /** The NAB directory used without `--data` or `--simulate` (default `test/data/nab`). */
  defaultDataDir?: string;
}

type Flags = {
  detector?: string[];
  data?: string;
  simulate?: number;
  seed: number;
  minutes: number;
  anomalyRate: number;
  raw?: boolean;
  json?: boolean;
  resultsDir?: string;
};

/** A problem with the input: `exitCode` 2 for usage (detectors, parameters), 1 for the data. */
class EvaluateError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/**
 * `eddy evaluate [--detector NAME[:key=value,...]]... [--data DIR] [--simulate N [--seed S]
 * [--minutes M] [--anomaly-rate R]] [--raw] [--json] [--results-dir DIR]`: runs each detector (the
 * default set without `--detector`; `default` names it) over labelled data, each record scored then
 * learned, and prints per data set a table: NAB standard / reward-low-FP / reward-low-FN scores and
 * window precision, recall, F1 and mean detection delay at the standard profile's optimised
 * threshold. Records are scored as the alerts the default decision raises (incident at 0.5, cleared
 * below 0.4, a cool-down of 200 records), as a job emits them; `--raw` scores every record's raw
 * score instead. Data: a NAB-layout directory (`--data`, by default test/data/nab when it exists),
 * and/or a fleet generated in memory by the simulator with its ground-truth labels (`--simulate N`
 * devices). `--json` prints `{"detectors": [{"name", "standard", "rewardLowFP", "rewardLowFN",
 * "precision", "recall", "f1", "meanDelayMs"}]}`; `--results-dir` writes NAB result files.
 *
 * @example
 * eddy evaluate --detector default --detector rolling-z-score:window=200 --json
 */
export function evaluateCommand(deps: EvaluateDependencies = {}): Command {
  const command = new CommanderCommand('evaluate')
    .description('score anomaly detectors on labelled data (NAB scores, window precision/recall, delay)')
    .option(
      '--detector <name[:key=value,...]>',
      `detector to evaluate (repeatable; "${DEFAULT_DETECTOR_SET.name}": the default set, the default)`,
      (v, all: string[] = []) => all.concat(v),
    )
    .option('--data <dir>', 'NAB-layout data set directory (default test/data/nab when it exists)')
    .option('--simulate <devices>', 'also (or only) a simulated fleet of this many devices', parseCount)
    .option('--seed <n>', 'seed of the simulated fleet', parseInteger, 1)
    .option('--minutes <m>', 'event time the simulated fleet covers, minutes', parseCount, 60)
    .option('--anomaly-rate <r>', 'simulated anomalies per device-hour', parseCount, 6)
    .option('--raw', 'score every record raw, without the decision step (incident, cool-down)')
    .option('--json', 'print {"detectors": [...]} as JSON')
    .option('--results-dir <dir>', 'write NAB result files (<detector>/<category>/<detector>_<file>.csv)');
  command.action(async (flags: Flags) => {
    try {
      await evaluate(flags, deps);
    } catch (error) {
      if (error instanceof DetectorRegistryError) command.error(`error: ${error.message}`, { exitCode: 2 });
      if (!(error instanceof EvaluateError)) throw error;
      command.error(`error: ${error.message}`, { exitCode: error.exitCode });
    }
  });
  return command;
}

async function evaluate(flags: Flags, deps: EvaluateDependencies): Promise<void> {
  const configs = configurations(flags);
  const dataSets = await labelledData(flags, deps);
  const total = configs.length * dataSets.reduce((n, d) => n + records(d), 0);
  const stderr = deps.stderr ?? process.stderr;
  const bar =
    stderr.isTTY && total >= (deps.progressMinRecords ?? 50_000)
      ? new SingleBar({ stream: stderr as NodeJS.WriteStream, clearOnComplete: true })
      : undefined;
  bar?.start(total, 0);
  const results: DetectorEvaluation[] = [];
  try {
    for (const data of dataSets) {
      for (const config of configs) {
        results.push(evaluateDetector(config, data, (n) => bar?.increment(n)));
        await new Promise((resolve) => setImmediate(resolve)); // let the bar draw
      }
    }
  } finally {
    bar?.stop();
  }
  if (flags.resultsDir !== undefined) {
    for (const r of results) await writeNabResults(flags.resultsDir, resultFileName(r.name), r.scored);
  }
  const out = deps.stdout ?? process.stdout;
  if (flags.json) out.write(`${JSON.stringify({ detectors: results.map((r) => jsonEntry(r, dataSets)) })}\n`);
  else out.write(formatEvaluationTables(results, dataSets, !flags.raw));
}

/** `--json`'s entry: exactly these keys; the name carries the data set when there are several. */
function jsonEntry(r: DetectorEvaluation, dataSets: readonly LabelledDataSet[]) {
  return {
    name: dataSets.length > 1 ? `${r.name} (${r.dataSet})` : r.name,
    standard: r.standard,
    rewardLowFP: r.rewardLowFP,
    rewardLowFN: r.rewardLowFN,
    precision: r.precision,
    recall: r.recall,
    f1: r.f1,
    meanDelayMs: r.meanDelayMs,
  };
}

function configurations(flags: Flags): DetectorConfiguration[] {
  const names = flags.detector ?? [DEFAULT_DETECTOR_SET.name];
  try {
    return names.map((name) => detectorConfiguration(name, flags.raw === true));
  } catch (error) {
    if (error instanceof DetectorRegistryError) throw error;
    throw new EvaluateError((error as Error).message, 2);
  }
}

async function labelledData(flags: Flags, deps: EvaluateDependencies): Promise<LabelledDataSet[]> {
  const sets: LabelledDataSet[] = [];
  const fallback = deps.defaultDataDir ?? 'test/data/nab';
  const dir = flags.data ?? (flags.simulate === undefined && existsSync(fallback) ? fallback : undefined);
  if (dir !== undefined) sets.push(await nabData(dir));
  if (flags.simulate !== undefined) {
    if (flags.simulate < 1) throw new EvaluateError('--simulate: expected at least 1 device', 2);
    if (flags.minutes < 1) throw new EvaluateError('--minutes: expected at least 1 minute', 2);
    const { simulate: devices, seed, minutes, anomalyRate } = flags;
    sets.push({
      name: `simulated fleet (${devices} devices, seed ${seed}, ${minutes} min, ${anomalyRate} anomalies/device-hour)`,
      series: simulatedSeries({ devices, seed, minutes, anomalyRatePerHour: anomalyRate }),
    });
  }
  if (sets.length === 0) {
    throw new EvaluateError(
      `no labelled data: ${fallback} does not exist here; give --data DIR (a NAB-layout directory) or --simulate N`,
      1,
    );
  }
  return sets;
}

async function nabData(dir: string): Promise<LabelledDataSet> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new EvaluateError(`cannot read --data ${dir}: no such directory`, 1);
  if (!info.isDirectory()) throw new EvaluateError(`cannot read --data ${dir}: not a directory`, 1);
  try {
    const nab = await loadNabDataSet(dir);
    return { name: dir, series: nab.files, profiles: nab.profiles };
  } catch (error) {
    throw new EvaluateError((error as Error).message, 1);
  }
}

function records(data: LabelledDataSet): number {
  return data.series.reduce((n, s) => n + s.values.length, 0);
}
