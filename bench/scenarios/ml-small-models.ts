import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClassLabel, Features } from '../../ml/core/features.ts';
import type { EstimatorType, ModelSpec } from '../../ml/core/model-spec.ts';
import { createRandom } from '../../services/common/random.ts';
import type { Scenario } from '../scenario.ts';

const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ml', 'models');
const TYPES: readonly EstimatorType[] = ['regressor', 'classifier', 'clusterer', 'transformer', 'forecaster'];
/** Records per generated stream, replayed in a loop (forecasters' timestamps shifted on) until the budget is spent. */
const STREAM = 50_000;
const STEP_MS = 300_000;
const WARM_UP = 5_000;
const BUDGET_SECONDS = 0.5;
const ROUNDS = 2;

interface Record_ {
  readonly x: Features;
  readonly y: number | ClassLabel;
  readonly ts: number;
}

/** One learn + predict per record (test-then-train), as the `learnAndPredict` operator does; `shiftMs` moves `ts` on. */
type Step = (r: Record_, shiftMs: number) => number;

/**
 * Learn + predict per record (records/s) of every small model: each `ml/models/*.ts` is imported and
 * its exported `ModelSpec`s (`*Spec`) are measured with default hyperparameters on a seeded stream
 * of their type (regression on 8 features, two Gaussian classes, three clusters, or a daily cycle
 * every 5 minutes for forecasters), so models added later are measured without editing this file.
 * Modules that import TensorFlow.js are left to `ml-tf-micro-batch`. Best of two rounds per model.
 */
export function mlSmallModels(): Scenario {
  return {
    name: 'ml-small-models',
    description: `learn + predict per record for every small model in ml/models (default params, best of ${ROUNDS} runs of ${BUDGET_SECONDS} s)`,
    async run() {
      const { specs, skipped } = await discoverSpecs();
      const streams = new Map<EstimatorType, Record_[]>(TYPES.map((t) => [t, generate(t)]));
      const details: Record<string, string> = {};
      const rows: string[] = [];
      let sink = 0;
      for (const spec of specs) {
        try {
          let best = 0;
          for (let round = 0; round < ROUNDS; round++) {
            const { perSecond, checksum } = measure(spec, streams.get(spec.type)!);
            best = Math.max(best, perSecond);
            sink += checksum;
          }
          details[spec.name] = rate(best);
          rows.push(`${spec.name.padEnd(34)} ${spec.type.padEnd(12)} ${rate(best).padStart(10)}`);
        } catch (error) {
          details[spec.name] = `failed: ${(error as Error).message}`;
          rows.push(`${spec.name.padEnd(34)} ${spec.type.padEnd(12)} failed: ${(error as Error).message}`);
        }
      }
      if (skipped.length > 0) details.skippedTfjs = skipped.join(',');
      process.stderr.write(`${'model'.padEnd(34)} ${'type'.padEnd(12)} ${'records/s'.padStart(10)}\n`);
      process.stderr.write(
        `${rows.join('\n')}\n(checksum ${Number.isFinite(sink) ? 'finite' : 'not finite'})\n`,
      );
      return { details: { models: specs.length, ...details } };
    },
  };
}

/** Every exported ModelSpec of `ml/models/*.ts`, except modules built on TensorFlow.js. */
async function discoverSpecs(): Promise<{ specs: ModelSpec[]; skipped: string[] }> {
  const files = (await readdir(MODELS_DIR)).filter((f) => f.endsWith('.ts') && f !== 'registry.ts').sort();
  const specs = new Map<string, ModelSpec>();
  const skipped: string[] = [];
  for (const file of files) {
    const path = join(MODELS_DIR, file);
    if (/from '@tensorflow\//.test(await readFile(path, 'utf8'))) {
      skipped.push(file.replace(/\.ts$/, ''));
      continue;
    }
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) if (isModelSpec(value)) specs.set(value.name, value);
  }
  return { specs: [...specs.values()], skipped };
}

function isModelSpec(value: unknown): value is ModelSpec {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof ModelSpec, unknown>>;
  return (
    typeof v.name === 'string' &&
    typeof v.create === 'function' &&
    typeof v.params === 'object' &&
    TYPES.includes(v.type as EstimatorType)
  );
}

function measure(spec: ModelSpec, stream: readonly Record_[]): { perSecond: number; checksum: number } {
  const params: Record<string, number | boolean | string> = {};
  for (const [key, p] of Object.entries(spec.params)) params[key] = p.default;
  const step = stepper(spec, params);
  let checksum = 0;
  for (let i = 0; i < WARM_UP; i++) checksum += step(stream[i]!, 0);
  const start = process.hrtime.bigint();
  let seconds = 0;
  let done = 0;
  for (let i = WARM_UP; ; i++) {
    const cycle = Math.floor(i / stream.length);
    checksum += step(stream[i - cycle * stream.length]!, cycle * stream.length * STEP_MS);
    done++;
    if ((done & 1023) === 0) {
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (seconds > BUDGET_SECONDS) break;
    }
  }
  return { perSecond: done / seconds, checksum };
}

/** Test-then-train on one record; returns a number from the prediction so that it is not optimised away. */
function stepper(spec: ModelSpec, params: Record<string, number | boolean | string>): Step {
  switch (spec.type) {
    case 'regressor': {
      const m = spec.create(params);
      return (r) => {
        const y = m.predictOne(r.x);
        m.learnOne(r.x, r.y as number);
        return y;
      };
    }
    case 'classifier': {
      const m = spec.create(params);
      return (r) => {
        const p = m.predictProbaOne(r.x).size;
        m.learnOne(r.x, r.y);
        return p;
      };
    }
    case 'clusterer': {
      const m = spec.create(params);
      return (r) => {
        const k = m.predictOne(r.x);
        m.learnOne(r.x);
        return k;
      };
    }
    case 'transformer': {
      const m = spec.create(params);
      return (r) => {
        m.learnOne(r.x);
        return Object.keys(m.transformOne(r.x)).length;
      };
    }
    case 'forecaster': {
      const m = spec.create(params);
      const next = [0];
      return (r, shiftMs) => {
        next[0] = r.ts + shiftMs;
        const f = m.forecast(next);
        m.learnOne(r.y as number, r.ts + shiftMs);
        return f.length;
      };
    }
  }
}

/** A seeded stream for an estimator type. */
function generate(type: EstimatorType): Record_[] {
  const random = createRandom(TYPES.indexOf(type) + 1);
  const weights = [2, -3, 0.5, 1, 0, -1, 4, 0.25];
  const centres = [
    [0, 0, 0, 0],
    [10, 10, 0, 5],
    [-10, 10, 5, 0],
  ];
  const start = Date.UTC(2024, 0, 1);
  const out: Record_[] = [];
  for (let i = 0; i < STREAM; i++) {
    const ts = start + i * STEP_MS;
    const x: Record<string, number> = {};
    let y: number | ClassLabel = 0;
    if (type === 'regressor' || type === 'transformer') {
      y = 1;
      weights.forEach((w, j) => {
        x[`x${j}`] = random.normal();
        y = (y as number) + w * x[`x${j}`]!;
      });
      y += random.normal(0, 0.1);
    } else if (type === 'classifier') {
      const k = random.int(2);
      for (let j = 0; j < 8; j++) x[`f${j}`] = (k === 0 ? -1.5 : 1.5) + random.normal();
      y = k;
    } else if (type === 'clusterer') {
      const k = random.int(centres.length);
      centres[k]!.forEach((c, j) => {
        x[`c${j}`] = c + random.normal();
      });
      y = k;
    } else {
      y = 20 + 5 * Math.sin((2 * Math.PI * (ts - start)) / 86_400_000) + random.normal(0, 0.3);
    }
    out.push({ x, y, ts });
  }
  return out;
}

function rate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : `${(n / 1e3).toFixed(0)}K/s`;
}
