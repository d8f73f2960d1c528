import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/build-app.ts';
import { SavepointExistsError, type SavepointTaker } from '../../../../services/api/routes/savepoints.ts';
import { savepointCommand } from '../../../../services/cli/commands/savepoint.ts';
import { LiveFeed } from '../../../../services/connectors/live/live-feed.ts';
import { healthReport } from '../../api/fixtures.ts';

const TAKEN = {
  id: 7,
  path: '/data/savepoints/before-upgrade',
  bytes: 48_211,
  keys: 1_000,
  durationMs: 120.4,
};

describe('eddy savepoint', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
    process.exitCode = undefined;
  });

  /** A real API on a free loopback port, taking savepoints with `taker`. */
  async function api(taker: SavepointTaker, apiToken?: string): Promise<string> {
    const app = await buildApp({
      liveFeed: new LiveFeed(),
      health: () => healthReport(),
      savepoints: taker,
      ...(apiToken === undefined ? {} : { apiToken }),
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    return url;
  }

  async function run(...args: string[]) {
    return runWith({}, ...args);
  }

  async function runWith(env: Record<string, string>, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    await savepointCommand({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env,
    })
      .exitOverride()
      .parseAsync(args, { from: 'user' });
    return { out: out.join(''), err: err.join(''), exitCode: process.exitCode };
  }

  it('asks the running Eddy for a named savepoint and says where it is and how to restore it', async () => {
    const names: (string | undefined)[] = [];
    const url = await api({
      savepoint: async (name) => {
        names.push(name);
        return TAKEN;
      },
    });
    const { out, exitCode } = await run('--api', url, '--name', 'before-upgrade');
    expect(names).toEqual(['before-upgrade']);
    expect(exitCode).toBeUndefined();
    expect(out).toBe(
      'Savepoint 7 written to /data/savepoints/before-upgrade (48,211 bytes, 1,000 keys, 120 ms). ' +
        'Restore it with: eddy start --from-savepoint /data/savepoints/before-upgrade\n',
    );
    const json = await run('--api', url, '--json');
    expect(JSON.parse(json.out)).toEqual(TAKEN);
    expect(names).toEqual(['before-upgrade', undefined]);
  });

  it("prints the API's message and exits 1 when the savepoint is refused", async () => {
    const url = await api({
      savepoint: async () => {
        throw new SavepointExistsError('kept');
      },
    });
    const { out, err, exitCode } = await run('--api', url, '--name', 'kept');
    expect(out).toBe('');
    expect(err).toMatch(/A savepoint named "kept" exists already/);
    expect(exitCode).toBe(1);
    const bad = await run('--api', url, '--name', '../escape');
    expect(bad.err).toMatch(/Invalid request: .*name/);
    expect(bad.exitCode).toBe(1);
  });

  it('says when no Eddy answers', async () => {
    const url = await api({ savepoint: async () => TAKEN });
    await close?.();
    close = undefined;
    const { err, exitCode } = await run('--api', url);
    expect(err).toMatch(/^No Eddy answers at http:\/\/127\.0\.0\.1:\d+ .*is `eddy start` running\?/);
    expect(exitCode).toBe(1);
  });

  describe('with the API token', () => {
    const TOKEN = 'savepoint-cli-token-0123456789';
    let dataDir: string | undefined;
    afterEach(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      dataDir = undefined;
    });

    it('sends EDDY_API_TOKEN as a bearer token', async () => {
      const url = await api({ savepoint: async () => TAKEN }, TOKEN);
      const { exitCode, out } = await runWith({ EDDY_API_TOKEN: TOKEN }, '--api', url, '--json');
      expect(exitCode).toBeUndefined();
      expect(JSON.parse(out)).toEqual(TAKEN);
    });

    it('reads the token from --data-dir when EDDY_API_TOKEN is unset', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'eddy-savepoint-cli-'));
      await writeFile(join(dataDir, 'api-token'), `${TOKEN}\n`, { mode: 0o600 });
      const url = await api({ savepoint: async () => TAKEN }, TOKEN);
      const { exitCode } = await runWith({}, '--api', url, '--data-dir', dataDir, '--json');
      expect(exitCode).toBeUndefined();
    });

    it('says where it looked when Eddy refuses the token, never printing a token', async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'eddy-savepoint-cli-'));
      const url = await api({ savepoint: async () => TAKEN }, TOKEN);
      const { err, exitCode } = await runWith({}, '--api', url, '--data-dir', dataDir);
      expect(exitCode).toBe(1);
      expect(err).toMatch(/^POST \/api\/savepoints needs the API token/);
      expect(err).toContain(
        `Set EDDY_API_TOKEN to the token Eddy printed at its first start, or point --data-dir`,
      );
      expect(err).toContain(join(dataDir, 'api-token'));
      const wrong = await runWith({ EDDY_API_TOKEN: 'wrong-token-0123456789' }, '--api', url);
      expect(wrong.err).toMatch(/^The API token is not valid/);
      expect(wrong.err).not.toContain('wrong-token-0123456789');
      expect(wrong.err).not.toContain(TOKEN);
    });
  });
});
