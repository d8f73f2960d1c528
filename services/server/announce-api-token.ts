import type { Logger } from '../common/logger.ts';
import { apiTokenPath } from './api-token.ts';

/** Where a person reads a generated token: a terminal (`isTTY`) and its `write`. */
export interface Terminal {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * The `announce` of `loadApiToken` for `eddy start`: a generated token is shown in full on the
 * terminal (stderr, when it is one) and never written to the log, which may be shipped elsewhere;
 * the log says where the token was saved.
 *
 * @example
 * await loadApiToken({ dataDir, announce: announceApiToken(logger, dataDir) });
 * // terminal: "API token: q3V… (saved in .eddy/api-token)"; log: "generated the API token, saved in .eddy/api-token ..."
 */
export function announceApiToken(
  logger: Logger,
  dataDir: string,
  terminal: Terminal = process.stderr,
): (line: string) => void {
  return (line) => {
    const shown = terminal.isTTY === true;
    if (shown) terminal.write(`${line}\n`);
    const path = apiTokenPath(dataDir);
    logger.info(
      { path },
      `generated the API token and saved it in ${path} (mode 0600)${shown ? ', shown above' : ''}: ` +
        'it is never logged; clients send it as "Authorization: Bearer <token>"',
    );
  };
}
