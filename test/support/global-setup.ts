import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePorts } from '../../services/common/free-port.ts';
import { type InfluxdProcess, startInfluxd } from '../../services/connectors/influx/influxd-process.ts';
import { type MosquittoProcess, startMosquitto } from './mosquitto-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `mqtt://127.0.0.1:<port>` of the shared test mosquitto (anonymous, no persistence). */
    mqttUrl: string;
    mqttPort: number;
    /** `http://127.0.0.1:<port>` of the shared test influxd (no database in it: create your own). */
    influxUrl: string;
    influxPort: number;
  }
}

/**
 * Vitest global setup of the `integration` project: starts one real mosquitto and one real influxd
 * in a throw-away temp folder on free loopback ports, provides their URLs to the tests
 * (`inject('mqttUrl')`, `inject('influxUrl')`), and returns the teardown that stops both and
 * removes the folder. Fails with one clear line when a binary is missing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'eddy-test-services-'));
  let mosquitto: MosquittoProcess | undefined;
  let influxd: InfluxdProcess | undefined;
  const teardown = async () => {
    await Promise.allSettled([mosquitto?.stop(), influxd?.stop()]);
    await rm(root, { recursive: true, force: true });
  };
  try {
    const [mqttPort, influxPort, influxBindPort] = await freePorts(3);
    const [broker, influx] = await Promise.allSettled([
      startMosquitto({ dir: join(root, 'mosquitto'), port: mqttPort! }),
      startInfluxd({ dataDir: join(root, 'influxdb'), httpPort: influxPort!, bindPort: influxBindPort! }),
    ]);
    if (broker.status === 'fulfilled') mosquitto = broker.value;
    if (influx.status === 'fulfilled') influxd = influx.value;
    if (broker.status === 'rejected') throw broker.reason;
    if (influx.status === 'rejected') throw influx.reason;
    project.provide('mqttUrl', broker.value.url);
    project.provide('mqttPort', broker.value.port);
    project.provide('influxUrl', influx.value.url);
    project.provide('influxPort', influxPort!);
  } catch (error) {
    await teardown();
    throw oneLine(error);
  }
  return teardown;
}

/** A missing binary is a setup problem, not a bug: show its message without a stack trace. */
function oneLine(error: unknown): unknown {
  if (error instanceof Error && / not found: /.test(error.message)) {
    const clean = new Error(error.message);
    clean.stack = error.message;
    return clean;
  }
  return error;
}
