/**
 * `npm run bench [-- NAME ...]`: runs the benchmark scenarios (all, or those whose name contains a
 * given NAME), each in its own process, prints a table and writes `bench/results/latest.json`.
 * Benchmarks are measurements, not tests: nothing here fails on a slow number.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { scenarios } from './scenarios/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected =
  filters.length === 0 ? scenarios : scenarios.filter((s) => filters.some((f) => s.name.includes(f)));
if (selected.length === 0) {
  console.error(
    `no scenario matches ${filters.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}

function runInChild(scenario: Scenario): Promise<ScenarioResult> {
  const { name, nodeFlags = [] } = scenario;
  return new Promise((resolve, reject) => {
    const args = [...nodeFlags, '--import', 'tsx', join(here, 'run-scenario.ts'), name];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as ScenarioResult);
      else reject(new Error(`scenario ${name} exited with ${code}`));
    });
  });
}

const formatRate = (n?: number) => {
  if (n === undefined) return '-';
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M/s` : `${(n / 1e3).toFixed(0)}K/s`;
};
const formatBytes = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

const results: ScenarioResult[] = [];
const failed: string[] = [];
for (const scenario of selected) {
  process.stderr.write(`running ${scenario.name}: ${scenario.description}\n`);
  try {
    results.push(await runInChild(scenario));
  } catch (error) {
    // One scenario failing (e.g. mosquitto not installed) must not lose the others' numbers.
    process.stderr.write(`${(error as Error).message}; its error is above, going on with the others\n`);
    failed.push(scenario.name);
  }
}

const rows = results.map((r) => [
  r.name,
  formatRate(r.eventsPerSec),
  formatRate(r.baselineEventsPerSec),
  r.eventsPerSec !== undefined && r.baselineEventsPerSec
    ? `${((100 * r.eventsPerSec) / r.baselineEventsPerSec).toFixed(0)}%`
    : '-',
  formatBytes(r.peakRssBytes),
  Object.entries(r.details ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' '),
]);
const header = ['scenario', 'events/s', 'baseline', 'vs baseline', 'peak RSS', 'details'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
for (const name of failed) console.log(`${name}: failed (see its error above)`);

const outFile = join(here, 'results', 'latest.json');
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${outFile}`);
if (failed.length > 0) process.exitCode = 1;
