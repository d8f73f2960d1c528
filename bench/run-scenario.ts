/**
 * Runs one scenario in this process and prints its result as one JSON line on stdout.
 * `bench/run.ts` starts one process per scenario so that each peak RSS is its own.
 */
import { scenarios } from './scenarios/index.ts';

const name = process.argv[2];
const scenario = scenarios.find((s) => s.name === name);
if (!scenario) {
  console.error(`unknown scenario "${name}"`);
  process.exit(2);
}
const result = await scenario.run();
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ name, ...result, peakRssBytes })}\n`);
