import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { freePorts } from '../../services/common/free-port.ts';
import type { Logger } from '../../services/common/logger.ts';
import { createRandom } from '../../services/common/random.ts';
import { createInfluxClient } from '../../services/connectors/influx/create-influx-client.ts';
import { InfluxSink } from '../../services/connectors/influx/influx-sink.ts';
import { formatInfluxUrl, parseInfluxUrl } from '../../services/connectors/influx/influx-url.ts';
import { startInfluxd } from '../../services/connectors/influx/influxd-process.ts';
import { windowAggregateToPoints } from '../../services/connectors/influx/window-agg-points.ts';
import type { WindowAggregate } from '../../services/domain/window-aggregate.ts';
import { systemClock } from '../../services/engine/time/clock.ts';
import { createDatabase, dropDatabase, queryInflux, uniqueDatabase } from '../support/influx-query.ts';
import { onceEvent } from '../support/wait-for.ts';

/** A logger that also emits each entry as an event named after its level, so tests can wait on it. */
function observedLogger(): { logger: Logger; events: EventEmitter } {
  const events = new EventEmitter();
  const logger = pino(
    { level: 'info', formatters: { level: (name) => ({ level: name }) } },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: string; msg: string };
        events.emit(entry.level, entry);
      },
    },
  );
  return { logger, events };
}

function aggregate(
  device: string,
  metric: string,
  window: string,
  start: number,
  mean: number,
): WindowAggregate {
  const size = window === '10s' ? 10_000 : 60_000;
  return {
    device,
    metric,
    window,
    start,
    end: start + size,
    count: 4,
    mean,
    min: mean - 1,
    max: mean + 2,
    stddev: 0.5,
  };
}

/** What `SELECT * FROM window_agg` returns for an aggregate (epoch=ms). */
function row(agg: WindowAggregate) {
  const { device, metric, window, start, count, mean, min, max, stddev } = agg;
  return { time: start, device, metric, window, count, mean, min, max, stddev };
}

function byTimeAndTags(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const key = (r: Record<string, unknown>) => `${r.time}|${r.device}|${r.metric}|${r.window}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function sinkFor(url: string, options: { logger?: Logger; fastRetries?: boolean } = {}) {
  const parsed = parseInfluxUrl(url);
  return new InfluxSink<WindowAggregate>({
    client: createInfluxClient(parsed, { requestTimeoutMs: 5_000 }),
    database: parsed.database,
    endpoint: formatInfluxUrl(parsed),
    toPoints: windowAggregateToPoints,
    random: createRandom(1),
    ...(options.fastRetries ? { backoff: { baseMs: 50, maxMs: 300 } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

describe('InfluxSink against a real influxd', () => {
  const influxUrl = inject('influxUrl');
  const databases: string[] = [];
  const sinks: InfluxSink<WindowAggregate>[] = [];
  const newDatabase = (prefix: string) => {
    const db = uniqueDatabase(prefix);
    databases.push(db);
    return db;
  };
  const open = async (db: string) => {
    const sink = sinkFor(`${influxUrl}/${db}`);
    sinks.push(sink);
    await sink.open({ clock: systemClock });
    return sink;
  };

  afterEach(async () => {
    await Promise.allSettled(sinks.splice(0).map((sink) => sink.close()));
  });
  afterAll(async () => {
    await Promise.allSettled(databases.map((db) => dropDatabase(influxUrl, db)));
  });

  it('creates the database when it is missing', async () => {
    const db = newDatabase('influx_sink_create');
    const before = await queryInflux(influxUrl, db, 'SHOW DATABASES');
    expect(before.map((r) => r.name)).not.toContain(db);
    await open(db);
    const after = await queryInflux(influxUrl, db, 'SHOW DATABASES');
    expect(after.map((r) => r.name)).toContain(db);
  });

  it('writes aggregates of several devices and windows and reads them back exactly', async () => {
    const db = newDatabase('influx_sink_roundtrip');
    const sink = await open(db);
    const t0 = 1_700_000_000_000;
    const aggregates: WindowAggregate[] = [];
    for (const device of ['boiler-1', 'boiler-2', 'pump.3']) {
      for (const metric of ['temperature', 'pressure']) {
        for (let i = 0; i < 3; i++) {
          aggregates.push(aggregate(device, metric, '10s', t0 + i * 10_000, 20 + i + 0.1 + 0.2));
        }
        aggregates.push(aggregate(device, metric, '1m', t0, -3.25e-7));
      }
    }
    for (const agg of aggregates) sink.write(agg, agg.end - 1);
    await sink.flush();
    const rows = await queryInflux(influxUrl, db, 'SELECT * FROM window_agg');
    expect(rows.sort(byTimeAndTags)).toEqual(aggregates.map(row).sort(byTimeAndTags));
    expect(sink.stats()).toMatchObject({
      pointsWritten: aggregates.length,
      pointsDropped: 0,
      pointsBuffered: 0,
    });
  });

  it('keeps tag values with spaces, commas, equals signs and quotes intact', async () => {
    const db = newDatabase('influx_sink_escape');
    const sink = await open(db);
    const odd = [
      aggregate('hall 2, line=3', 'temp "inner"', '10s', 1_700_000_000_000, 1.5),
      aggregate("o'clock", 'a=b,c d', '10s', 1_700_000_000_000, 2.5),
    ];
    for (const agg of odd) sink.write(agg, agg.end - 1);
    await sink.flush();
    const rows = await queryInflux(influxUrl, db, 'SELECT * FROM window_agg');
    expect(rows.sort(byTimeAndTags)).toEqual(odd.map(row).sort(byTimeAndTags));
  });

  it('overwrites a rewritten aggregate instead of duplicating it', async () => {
    const db = newDatabase('influx_sink_idempotent');
    const sink = await open(db);
    const first = aggregate('d1', 'temp', '10s', 1_700_000_000_000, 21);
    sink.write(first, first.end - 1);
    sink.write(first, first.end - 1);
    await sink.flush();
    const late = { ...first, count: 5, mean: 21.4, max: 24 };
    sink.write(late, late.end - 1);
    await sink.flush();
    expect(await queryInflux(influxUrl, db, 'SELECT * FROM window_agg')).toEqual([row(late)]);
  });

  it('drops a batch InfluxDB refuses for good (field type conflict) and goes on', async () => {
    const db = newDatabase('influx_sink_conflict');
    await createDatabase(influxUrl, db);
    const response = await fetch(`${influxUrl}/write?db=${db}&precision=ms`, {
      method: 'POST',
      body: 'window_agg,device=d0,metric=temp,window=10s mean="text" 1699999990000',
    });
    expect(response.status).toBe(204);
    const { logger, events } = observedLogger();
    const sink = sinkFor(`${influxUrl}/${db}`, { logger });
    sinks.push(sink);
    await sink.open({ clock: systemClock });
    const refused = onceEvent<[{ msg: string }]>(events, 'error', 10_000);
    const agg = aggregate('d1', 'temp', '10s', 1_700_000_000_000, 21);
    sink.write(agg, agg.end - 1);
    await sink.flush();
    const [entry] = await refused;
    expect(entry.msg).toMatch(/HTTP 400: .*field type conflict/);
    expect(sink.stats()).toMatchObject({ pointsDropped: 1, batchesDropped: 1, pointsBuffered: 0 });
  });
});

describe('InfluxSink while influxd is down', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('waits for an influxd that is not there yet, and keeps points across its restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'eddy-influx-sink-'));
    const [httpPort, bindPort] = await freePorts(2);
    const url = `http://127.0.0.1:${httpPort}/influx_sink_outage`;
    const { logger, events } = observedLogger();
    const sink = sinkFor(url, { logger, fastRetries: true });

    const unreachable = onceEvent<[{ msg: string }]>(events, 'warn', 10_000);
    const opening = sink.open({ clock: systemClock });
    expect((await unreachable)[0].msg).toMatch(/is not reachable \(.*ECONNREFUSED.*\); is influxd running\?/);
    const influxd = await startInfluxd({ dataDir, httpPort: httpPort!, bindPort: bindPort! });
    let restarted: Awaited<ReturnType<typeof startInfluxd>> | undefined;
    try {
      await opening;
      const before = aggregate('d1', 'temp', '10s', 1_700_000_000_000, 20);
      sink.write(before, before.end - 1);
      await sink.flush();

      await influxd.stop();
      const retrying = onceEvent<[{ msg: string }]>(events, 'warn', 10_000);
      const during = aggregate('d1', 'temp', '10s', 1_700_000_010_000, 21);
      sink.write(during, during.end - 1);
      const flushed = sink.flush();
      expect((await retrying)[0].msg).toMatch(/writing 1 points to .* failed .*; retrying in \d+ ms/);
      restarted = await startInfluxd({ dataDir, httpPort: httpPort!, bindPort: bindPort! });
      await flushed;

      const rows = await queryInflux(restarted.url, 'influx_sink_outage', 'SELECT * FROM window_agg');
      expect(rows).toEqual([row(before), row(during)]);
      expect(sink.stats().retries).toBeGreaterThan(0);
      expect(sink.stats()).toMatchObject({ pointsWritten: 2, pointsDropped: 0 });
    } finally {
      await sink.close().catch(() => {});
      await Promise.allSettled([influxd.stop(), restarted?.stop()]);
    }
  });
});
