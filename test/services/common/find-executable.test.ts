import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../services/common/find-executable.ts';

describe('findExecutable', () => {
  let dir: string;
  let other: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-find-exe-'));
    other = await mkdtemp(join(tmpdir(), 'eddy-find-exe-'));
    await writeFile(join(dir, 'tool'), '#!/bin/sh\n');
    await chmod(join(dir, 'tool'), 0o755);
    await writeFile(join(dir, 'plain'), 'not executable\n');
    await writeFile(join(other, 'tool'), '#!/bin/sh\n');
    await chmod(join(other, 'tool'), 0o755);
  });
  afterAll(async () => {
    await Promise.all([rm(dir, { recursive: true }), rm(other, { recursive: true })]);
  });

  it('finds an executable on the search path, first folder first', () => {
    expect(findExecutable('tool', { searchPath: `${other}:${dir}`, fallbackDirs: [] })).toBe(
      join(other, 'tool'),
    );
  });

  it('falls back to the extra folders', () => {
    expect(findExecutable('tool', { searchPath: '', fallbackDirs: [dir] })).toBe(join(dir, 'tool'));
  });

  it('skips files that are not executable, folders, relative PATH entries and missing names', () => {
    const options = { searchPath: `.:${dir}`, fallbackDirs: [] };
    expect(findExecutable('plain', options)).toBeUndefined();
    expect(findExecutable('missing', options)).toBeUndefined();
    expect(findExecutable('', options)).toBeUndefined();
    expect(findExecutable('eddy-find-exe', { searchPath: tmpdir(), fallbackDirs: [] })).toBeUndefined();
  });

  it('checks a name with a slash as a path', () => {
    expect(findExecutable(join(dir, 'tool'))).toBe(join(dir, 'tool'));
    expect(findExecutable(join(dir, 'plain'))).toBeUndefined();
  });
});
