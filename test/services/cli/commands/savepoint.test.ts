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
  async function api(taker: SavepointTaker): Promise<string> {
    const app = await buildApp({ liveFeed: new LiveFeed(), health: () => healthReport(), savepoints: taker });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    return url;
  }

  async function run(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    await savepointCommand({
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
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
});
