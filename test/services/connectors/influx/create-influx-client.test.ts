import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FieldType } from 'influx';
import { describe, expect, it } from 'vitest';
import { createInfluxClient } from '../../../../services/connectors/influx/create-influx-client.ts';
import { eddyInfluxSchemas, WINDOW_AGG } from '../../../../services/connectors/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../../../services/connectors/influx/influx-url.ts';
import { windowAggregateToPoint } from '../../../../services/connectors/influx/window-agg-points.ts';

const agg = {
  device: 'a b,c=d"e',
  metric: 'temperature',
  window: '10s',
  start: 1_700_000_000_000,
  end: 1_700_000_010_000,
  count: 3,
  mean: 21.5,
  min: 20,
  max: 23,
  stddev: 1.25,
};

describe('createInfluxClient', () => {
  it('writes count as an integer and the other fields as floats (schema registered)', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    const parsed = client.parsePoint(windowAggregateToPoint(agg), { precision: 'ms' });
    expect(parsed.fieldsPairs).toEqual([
      ['count', '3i'],
      ['max', '23'],
      ['mean', '21.5'],
      ['min', '20'],
      ['stddev', '1.25'],
    ]);
    expect(parsed.castedTimestamp).toBe('1700000000000');
  });

  it('refuses, before sending, a window_agg point with a field the schema does not know', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    const point = { ...windowAggregateToPoint(agg), fields: { count: 1, median: 2 } };
    expect(() => client.parsePoint(point)).toThrow(/Extraneous fields/);
  });
});

describe('createInfluxClient and tags its schema does not list (device tags)', () => {
  const tagged = () => ({
    ...windowAggregateToPoint(agg),
    tags: { device: 'boiler-1', metric: 'temperature', window: '10s', site: 'lyon', 'floor.no': '2' },
  });

  it('accepts them, keeps the field types, and still refuses unknown fields', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    const parsed = client.parsePoint(tagged(), { precision: 'ms' });
    expect(parsed.tagsNames).toEqual(['device', 'metric', 'window', 'site', 'floor.no']);
    expect(parsed.fieldsPairs[0]).toEqual(['count', '3i']);
    expect(() => client.parsePoint({ ...tagged(), fields: { count: 1, median: 2 } })).toThrow(
      /Extraneous fields/,
    );
  });

  it('grows a schema registered later with addSchema too, keeping its own fields', () => {
    const client = createInfluxClient(parseInfluxUrl('http://127.0.0.1:1/plant'));
    client.addSchema({ measurement: 'plant_agg', tags: ['device'], fields: { count: FieldType.INTEGER } });
    const parsed = client.parsePoint({
      measurement: 'plant_agg',
      tags: { device: 'a', site: 'b' },
      fields: { count: 2 },
    });
    expect(parsed.tagsNames).toEqual(['device', 'site']);
    expect(parsed.fieldsPairs).toEqual([['count', '2i']]);
    expect(() => client.parsePoint({ measurement: 'plant_agg', fields: { mean: 1 } })).toThrow(
      /Extraneous fields/,
    );
  });

  it('writes them in line protocol, after Eddy’s tags (writePoints to a loopback HTTP server)', async () => {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createInfluxClient(parseInfluxUrl(`http://127.0.0.1:${port}/plant`));
      await client.writePoints([tagged()], { precision: 'ms' });
      expect(bodies).toEqual([
        'window_agg,device=boiler-1,metric=temperature,window=10s,site=lyon,floor.no=2 ' +
          'count=3i,max=23,mean=21.5,min=20,stddev=1.25 1700000000000',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('eddyInfluxSchemas', () => {
  it('types every window_agg field and lists its tags, for the given database', () => {
    const [schema] = eddyInfluxSchemas('plant');
    expect(schema).toMatchObject({
      database: 'plant',
      measurement: WINDOW_AGG.measurement,
      tags: ['device', 'metric', 'window'],
    });
    expect(Object.keys(schema?.fields ?? {}).sort()).toEqual(['count', 'max', 'mean', 'min', 'stddev']);
  });
});
