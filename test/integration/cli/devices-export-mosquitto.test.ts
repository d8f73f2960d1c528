import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesCommand } from '../../../services/cli/commands/devices.ts';
import { DeviceRegistry } from '../../../services/devices/device-registry.ts';
import { type MosquittoProcess, startMosquitto } from '../../support/mosquitto-process.ts';
import { waitFor } from '../../support/wait-for.ts';

describe('eddy devices export-mosquitto', () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-export-'));
  const dataDir = join(root, 'data');
  const outDir = join(root, 'mosquitto-auth');
  let mosquitto: MosquittoProcess;
  let password: string;
  const printed: string[] = [];

  beforeAll(async () => {
    const registry = DeviceRegistry.open(dataDir, { flushIntervalMs: 0 });
    password = registry.register('dev-1').credentials.password;
    registry.register('dev-2');
    registry.seen('auto-1'); // no credentials: not exported
    registry.close();

    await devicesCommand({ stdout: { write: (t: string) => printed.push(t) } }).parseAsync(
      ['export-mosquitto', '--out', outDir, '--data-dir', dataDir, '--eddy-password', 'eddy-secret'],
      { from: 'user' },
    );

    mosquitto = await startMosquitto({ dir: join(root, 'broker') });
    await mosquitto.stop();
    const config = readFileSync(mosquitto.configPath, 'utf8').replace(
      'allow_anonymous true',
      `allow_anonymous false\npassword_file ${join(outDir, 'passwords')}\nacl_file ${join(outDir, 'acl')}`,
    );
    writeFileSync(mosquitto.configPath, config);
    await mosquitto.start();
  });
  afterAll(async () => {
    await mosquitto?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const connect = (username?: string, pw?: string) =>
    connectAsync(mosquitto.url, {
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ...(username === undefined ? {} : { username }),
      ...(pw === undefined ? {} : { password: pw }),
    });

  it('writes the password file in mosquitto 2 format and the ACL', () => {
    const passwords = readFileSync(join(outDir, 'passwords'), 'utf8').trim().split('\n');
    expect(passwords.map((line) => line.split(':')[0])).toEqual(['eddy', 'dev-1', 'dev-2']);
    for (const line of passwords)
      expect(line).toMatch(/^[^:]+:\$7\$10000\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    const acl = readFileSync(join(outDir, 'acl'), 'utf8');
    expect(acl).toContain('user dev-1\ntopic write sensors/dev-1/#\ntopic read alerts/dev-1\n');
    expect(acl).toContain('user eddy\ntopic read sensors/#\n');
    expect(acl).not.toContain('auto-1');
    expect(printed.join('')).toContain('password_file');
  });

  it('real mosquitto accepts a device with its password, refuses a wrong one and anonymous clients', async () => {
    const device = await connect('dev-1', password);
    await device.endAsync();
    await expect(connect('dev-1', 'wrong')).rejects.toThrow(/Not authorized|Bad username/);
    await expect(connect()).rejects.toThrow(/Not authorized|Bad username/);
  });

  it("delivers a device's own topic to Eddy's user and drops another device's topic", async () => {
    const eddy = await connect('eddy', 'eddy-secret');
    const device = await connect('dev-1', password);
    try {
      const received: string[] = [];
      eddy.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
      await eddy.subscribeAsync('sensors/#', { qos: 1 });
      await device.publishAsync('sensors/dev-2/telemetry', 'forged', { qos: 1 }); // mosquitto acks, then drops
      await device.publishAsync('sensors/dev-1/telemetry', 'own', { qos: 1 });
      // Mosquitto forwards one client's messages in order: had the forged one passed, it came first.
      await waitFor(() => received.length > 0, { message: "dev-1's own message" });
      expect(received).toEqual(['sensors/dev-1/telemetry own']);
    } finally {
      await Promise.all([eddy.endAsync(), device.endAsync()]);
    }
  });
});
