import { describe, expect, it } from 'vitest';
import { DaemonStartError, spawnDaemon, waitUntilReady } from '../../../services/common/daemon-process.ts';

const sh = '/bin/sh';

describe('spawnDaemon', () => {
  it('stops a daemon with SIGTERM', async () => {
    const daemon = await spawnDaemon({ name: 'sleeper', command: sh, args: ['-c', 'exec sleep 30'] });
    expect(daemon.running).toBe(true);
    await daemon.stop();
    expect(daemon.running).toBe(false);
    expect(await daemon.exited).toBeNull();
  });

  it('sends SIGKILL when SIGTERM is ignored past the timeout', async () => {
    const script = 'trap "" TERM; echo trapped; while :; do sleep 0.05; done';
    const daemon = await spawnDaemon({ name: 'stubborn', command: sh, args: ['-c', script] });
    await waitUntilReady(daemon, async () => daemon.outputTail().includes('trapped'), { what: 'trap TERM' });
    await daemon.stop(200);
    expect(daemon.running).toBe(false);
  });

  it('rejects with the last output when the daemon exits before it is ready', async () => {
    const script = 'echo "starting"; echo "bind: address already in use" >&2; exit 3';
    const daemon = await spawnDaemon({ name: 'failing', command: sh, args: ['-c', script] });
    const ready = waitUntilReady(daemon, async () => false, { what: 'listen', hint: 'free the port' });
    await expect(ready).rejects.toThrow(DaemonStartError);
    await expect(ready).rejects.toThrow(
      /failing \(pid \d+\) exited with code 3 before it could listen; free the port\n--- last output ---\nstarting\nbind: address already in use/,
    );
  });

  it('kills the daemon and rejects when it never gets ready', async () => {
    const daemon = await spawnDaemon({ name: 'slow', command: sh, args: ['-c', 'exec sleep 30'] });
    const ready = waitUntilReady(daemon, async () => false, {
      what: 'listen',
      timeoutMs: 100,
      intervalMs: 10,
    });
    await expect(ready).rejects.toThrow(/slow \(pid \d+\) did not listen within 100 ms, so it was killed/);
    expect(daemon.running).toBe(false);
  });

  it('rejects clearly when the executable cannot be started', async () => {
    const spawned = spawnDaemon({ name: 'ghost', command: '/nonexistent/ghost', args: [] });
    await expect(spawned).rejects.toThrow(/cannot start ghost \(\/nonexistent\/ghost\): spawn .*ENOENT/);
  });
});
