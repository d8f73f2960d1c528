import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devicesCommand } from '../../../../services/cli/commands/devices.ts';
import { DeviceRegistry } from '../../../../services/devices/device-registry.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string> {
  const printed: string[] = [];
  const command = devicesCommand({ stdout: { write: (text: string) => printed.push(text) } });
  command.exitOverride().configureOutput({ writeErr: (text) => printed.push(text) });
  for (const sub of command.commands)
    sub.exitOverride().configureOutput({ writeErr: (text) => printed.push(text) });
  await command.parseAsync(args, { from: 'user' });
  return printed.join('');
}

describe('eddy devices', () => {
  it('registers, lists and removes devices in the data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-cli-devices-'));
    dirs.push(dataDir);
    const registered = await run([
      'register',
      'boiler-1',
      '--data-dir',
      dataDir,
      '--kind',
      'boiler',
      '--tag',
      'site=lyon',
      '--expected-interval',
      '10s',
    ]);
    const password = /password: (\S+)/.exec(registered)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const registry = DeviceRegistry.open(dataDir, { flushIntervalMs: 0 });
    expect(await registry.verify('boiler-1', password!)).toBe(true);
    expect(registry.get('boiler-1')).toMatchObject({
      kind: 'boiler',
      tags: { site: 'lyon' },
      expectedIntervalMs: 10_000,
    });
    registry.close();

    const listed = await run(['list', '--data-dir', dataDir]);
    expect(listed).toMatch(
      /^id\s+kind\s+origin\s+credentials\s+last seen\s+tags\nboiler-1\s+boiler\s+registered\s+yes\s+-\s+site=lyon\n$/,
    );
    expect(JSON.parse(await run(['list', '--json', '--data-dir', dataDir])).total).toBe(1);

    expect(await run(['remove', 'boiler-1', '--data-dir', dataDir])).toBe('boiler-1 removed.\n');
    expect(await run(['list', '--data-dir', dataDir])).toBe(`No devices in ${dataDir}.\n`);
  });

  it('says what went wrong without a stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-cli-devices-'));
    dirs.push(dataDir);
    await expect(run(['remove', 'ghost', '--data-dir', dataDir])).rejects.toThrow(
      'error: no device "ghost" in the registry',
    );
    await expect(run(['register', 'x', '--data-dir', dataDir, '--tag', 'device=y'])).rejects.toThrow(
      'tag key "device" is reserved',
    );
    await expect(run(['register', 'x', '--data-dir', dataDir, '--tag', 'nokey'])).rejects.toThrow(
      'expected key=value',
    );
  });
});
