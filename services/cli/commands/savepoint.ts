import { Command, Option } from 'commander';
import type { SavepointTaken } from '../../api/routes/savepoints.ts';
import { API_TOKEN_ENV, apiTokenPath, readApiToken } from '../../server/api-token.ts';
import { START_DEFAULTS } from '../../server/start-options.ts';
import { parseUrl } from '../options.ts';

/** Where `eddy savepoint` finds the running Eddy unless `--api` says otherwise. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** What the command talks to and writes to; tests replace them. */
export interface SavepointDependencies {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  fetch?: typeof fetch;
  /** Where `EDDY_API_TOKEN` is read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `eddy savepoint [--name NAME] [--stop]`: asks the running Eddy (`POST /api/savepoints` at `--api`)
 * for a savepoint of its job and prints where it is, for `eddy start --from-savepoint PATH`. With
 * `--stop` Eddy stops right after it (Flink's stop with savepoint): the way to move a job reading
 * MQTT, since messages acknowledged after a savepoint are not in it. It sends the API token
 * (`EDDY_API_TOKEN`, else `<--data-dir>/api-token`) as `Authorization: Bearer`.
 *
 * @example
 * eddy savepoint --name before-upgrade
 * // Savepoint 7 written to /srv/eddy/.eddy/savepoints/before-upgrade (1.2 MiB, 1,000 keys, 120 ms)
 */
export function savepointCommand(deps: SavepointDependencies = {}): Command {
  return new Command('savepoint')
    .description("take a savepoint of the running Eddy's job (kept until you delete it)")
    .addOption(
      new Option('--api <url>', 'URL of the running Eddy')
        .env('EDDY_API_URL')
        .argParser(parseUrl(['http:', 'https:']))
        .default(DEFAULT_API_URL),
    )
    .addOption(
      new Option('--data-dir <dir>', "the running Eddy's data directory, where its api-token is")
        .env('EDDY_DATA_DIR')
        .default(START_DEFAULTS.dataDir),
    )
    .option('--name <name>', 'directory name under the savepoint directory (default: savepoint-<id>-<time>)')
    .option(
      '--stop',
      'stop Eddy right after the savepoint, so nothing is acknowledged after it (to move the job, e.g. to another --parallelism)',
    )
    .option('--json', 'print the JSON answer instead of a sentence')
    .action(
      async (flags: { api: string; dataDir: string; name?: string; stop?: boolean; json?: boolean }) => {
        const stdout = deps.stdout ?? process.stdout;
        const stderr = deps.stderr ?? process.stderr;
        const url = new URL('/api/savepoints', flags.api);
        let response: Response;
        try {
          const token = await readApiToken({
            dataDir: flags.dataDir,
            ...(deps.env ? { env: deps.env } : {}),
          });
          response = await (deps.fetch ?? fetch)(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            },
            body: JSON.stringify({
              ...(flags.name === undefined ? {} : { name: flags.name }),
              ...(flags.stop ? { stop: true } : {}),
            }),
          });
        } catch (error) {
          stderr.write(
            `No Eddy answers at ${flags.api} (${(error as Error).message}): is \`eddy start\` running? ` +
              'Point --api (or EDDY_API_URL) at it.\n',
          );
          process.exitCode = 1;
          return;
        }
        const body = (await response.json().catch(() => ({}))) as
          | SavepointTaken
          | { error?: { code?: string; message?: string } };
        if (!response.ok || !('path' in body)) {
          const error = 'error' in body ? body.error : undefined;
          stderr.write(`${error?.message ?? `Eddy answered ${response.status} ${response.statusText}`}\n`);
          if (response.status === 401) {
            stderr.write(
              `Set ${API_TOKEN_ENV} to the token Eddy printed at its first start, or point --data-dir at its ` +
                `data directory (looked in ${apiTokenPath(flags.dataDir)}).\n`,
            );
          }
          process.exitCode = 1;
          return;
        }
        if (flags.json) stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        else {
          stdout.write(
            `Savepoint ${body.id} written to ${body.path} (${body.bytes.toLocaleString('en-US')} bytes, ` +
              `${body.keys.toLocaleString('en-US')} keys, ${Math.round(body.durationMs)} ms)${flags.stop ? '; Eddy is stopping' : ''}. ` +
              `Restore it with: eddy start --from-savepoint ${body.path}\n`,
          );
        }
      },
    );
}
