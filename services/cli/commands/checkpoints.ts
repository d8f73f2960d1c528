import { Command, Option } from 'commander';
import { CheckpointStore } from '../../engine/checkpoint/checkpoint-store.ts';
import type { CheckpointInfo } from '../../engine/checkpoint/checkpoint-types.ts';

/** Where checkpoints are kept unless `--checkpoint-dir` says otherwise. */
export const DEFAULT_CHECKPOINT_DIR = '.eddy/checkpoints';

/** What the command writes to; tests replace it. */
export interface CheckpointsDependencies {
  /** The table or JSON goes here (default process.stdout). */
  stdout?: { write(text: string): unknown };
}

/**
 * `eddy checkpoints`: the checkpoints under `--checkpoint-dir`, newest first, with their time, size,
 * duration, keys and status (complete, corrupt and why, incomplete). `--json` prints the same as
 * `GET /api/checkpoints`.
 *
 * @example
 * eddy checkpoints --checkpoint-dir /var/lib/eddy/checkpoints
 * //  id  kind        time                      size     duration  keys    status
 * //  12  checkpoint  2024-11-24T16:00:05.000Z  1.2 MiB  340 ms    10,000  complete
 */
export function checkpointsCommand(deps: CheckpointsDependencies = {}): Command {
  return new Command('checkpoints')
    .description('list the checkpoints kept in the checkpoint directory')
    .addOption(
      new Option('--checkpoint-dir <dir>', 'where checkpoints are kept')
        .env('EDDY_CHECKPOINT_DIR')
        .default(DEFAULT_CHECKPOINT_DIR),
    )
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: { checkpointDir: string; json?: boolean }) => {
      const stdout = deps.stdout ?? process.stdout;
      const infos = await new CheckpointStore({ dir: flags.checkpointDir }).list();
      if (flags.json) stdout.write(`${JSON.stringify({ checkpoints: infos }, null, 2)}\n`);
      else stdout.write(checkpointsTable(infos, flags.checkpointDir));
    });
}

/** The table `eddy checkpoints` prints, one checkpoint a line, reasons of damaged ones below it. */
export function checkpointsTable(infos: readonly CheckpointInfo[], dir: string): string {
  if (infos.length === 0) return `No checkpoints in ${dir}.\n`;
  const header = ['id', 'kind', 'time', 'size', 'duration', 'keys', 'status'];
  const rows = infos.map((info) => [
    String(info.id),
    info.kind ?? '-',
    info.createdAt === null ? '-' : new Date(info.createdAt).toISOString(),
    formatBytes(info.bytes),
    info.durationMs === null ? '-' : formatDuration(info.durationMs),
    info.keys === null ? '-' : info.keys.toLocaleString('en-US'),
    info.reason === undefined || info.status === 'complete' ? info.status : `${info.status}: ${info.reason}`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `532 B`, `1.2 KiB`, `48.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `340 ms`, `2.5 s`. */
export function formatDuration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
