import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApiToken, readApiToken } from '../../../services/server/api-token.ts';

const FIXED = Buffer.alloc(32, 7);
const FIXED_TOKEN = FIXED.toString('base64url');

describe('loadApiToken', () => {
  let root: string;
  let dataDir: string;
  let announced: string[];
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eddy-api-token-'));
    dataDir = join(root, '.eddy');
    announced = [];
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const load = (env: Record<string, string> = {}) =>
    loadApiToken({ dataDir, env, announce: (line) => announced.push(line), randomBytes: () => FIXED });

  it('generates a 32-byte base64url token on first start, saves it 0600 and announces it once', async () => {
    const first = await load();
    const path = join(dataDir, 'api-token');
    expect(first).toEqual({ token: FIXED_TOKEN, source: 'generated', path });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readFile(path, 'utf8')).trim()).toBe(FIXED_TOKEN);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(announced).toEqual([`API token: ${FIXED_TOKEN} (saved in ${path})`]);

    const second = await load();
    expect(second).toEqual({ token: FIXED_TOKEN, source: 'file', path });
    expect(announced).toHaveLength(1);
  });

  it('takes EDDY_API_TOKEN over the file, and writes nothing', async () => {
    const token = 'from-the-environment-0123456789';
    expect(await load({ EDDY_API_TOKEN: token })).toEqual({ token, source: 'env' });
    expect(announced).toEqual([]);
    await expect(stat(join(dataDir, 'api-token'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a short or unsendable token without repeating it', async () => {
    await expect(load({ EDDY_API_TOKEN: 'short-secret' })).rejects.toThrow(
      /^The API token from EDDY_API_TOKEN is too short \(12 characters, at least 16\)/,
    );
    await expect(load({ EDDY_API_TOKEN: 'short-secret' })).rejects.not.toThrow(/short-secret/);
    await expect(load({ EDDY_API_TOKEN: 'has spaces in it, 0123456789' })).rejects.toThrow(
      /characters a Bearer header cannot carry/,
    );
  });

  it('makes a token file readable by others private again', async () => {
    await load();
    const path = join(dataDir, 'api-token');
    await chmod(path, 0o644);
    await load();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reads a token file written by hand (trailing newline trimmed)', async () => {
    await load();
    await writeFile(join(dataDir, 'api-token'), 'hand-written-token-0123456789\n', { mode: 0o600 });
    expect((await load()).token).toBe('hand-written-token-0123456789');
  });
});

describe('readApiToken', () => {
  it('reads the environment, else the data directory, else nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'eddy-api-token-'));
    try {
      expect(await readApiToken({ dataDir, env: {} })).toBeUndefined();
      await writeFile(join(dataDir, 'api-token'), 'saved-token-0123456789\n');
      expect(await readApiToken({ dataDir, env: {} })).toBe('saved-token-0123456789');
      expect(await readApiToken({ dataDir, env: { EDDY_API_TOKEN: 'env-token' } })).toBe('env-token');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
