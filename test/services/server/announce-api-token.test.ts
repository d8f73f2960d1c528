import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../services/common/logger.ts';
import { announceApiToken } from '../../../services/server/announce-api-token.ts';
import { loadApiToken } from '../../../services/server/api-token.ts';

function captured() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', pretty: false, destination }), lines };
}

describe('announceApiToken', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eddy-announce-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('shows a generated token on a terminal, and logs only where it was saved', async () => {
    const { logger, lines } = captured();
    const shown: string[] = [];
    const terminal = { isTTY: true, write: (text: string) => shown.push(text) };
    const { token } = await loadApiToken({
      dataDir,
      env: {},
      announce: announceApiToken(logger, dataDir, terminal),
    });
    expect(shown.join('')).toContain(`API token: ${token}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain(join(dataDir, 'api-token'));
    expect(lines[0]).toContain('shown above');
  });

  it('without a terminal, shows nothing and still keeps the token out of the log', async () => {
    const { logger, lines } = captured();
    const shown: string[] = [];
    const terminal = { isTTY: false, write: (text: string) => shown.push(text) };
    const { token } = await loadApiToken({
      dataDir,
      env: {},
      announce: announceApiToken(logger, dataDir, terminal),
    });
    expect(shown).toEqual([]);
    expect(lines.join('')).not.toContain(token);
    expect(lines.join('')).toContain('never logged');
  });
});
