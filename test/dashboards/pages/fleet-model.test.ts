import { describe, expect, it } from 'vitest';
import {
  deviceTiles,
  type FleetAnomaly,
  type FleetDevice,
  fleetSummary,
  HOUR_MS,
  mergeAnomalies,
  toFleetAnomaly,
} from '../../../dashboards/src/pages/fleet-model.ts';

const NOW = 1_700_000_000_000;
const device = (id: string, status: FleetDevice['status'], messageRate = 1): FleetDevice => ({
  id,
  name: null,
  status,
  messageRate,
  lastSeen: NOW,
});
const anomaly = (deviceId: string, ts: number, acknowledged?: boolean): FleetAnomaly => ({
  device: deviceId,
  metric: 'temperature',
  detector: 'spikes',
  ts,
  ...(acknowledged === undefined ? {} : { acknowledged }),
});

describe('fleet model', () => {
  const devices = [device('d2', 'offline', 0), device('d1', 'online', 2.5), device('d3', 'unknown', 0.5)];

  it('counts devices by status, sums their message rates and counts the anomalies', () => {
    expect(fleetSummary(devices, [anomaly('d1', NOW), anomaly('d2', NOW, true)])).toEqual({
      online: 1,
      offline: 1,
      unknown: 1,
      messagesPerSecond: 3,
      anomaliesLastHour: 2,
    });
  });

  it('colours a device red only for an unacknowledged anomaly, tiles sorted by id', () => {
    const tiles = deviceTiles(devices, [
      anomaly('d1', NOW, true),
      anomaly('d2', NOW - 5),
      anomaly('d2', NOW, true),
    ]);
    expect(tiles.map((t) => [t.id, t.state, t.anomalous, t.anomalies])).toEqual([
      ['d1', 'online', false, 1],
      ['d2', 'offline', true, 2],
      ['d3', 'unknown', false, 0],
    ]);
    expect(deviceTiles([{ ...device('d9', 'online'), name: 'Boiler 9' }], [])[0]!.label).toBe('Boiler 9');
  });

  it('merges live anomalies into the known ones, once each, within the last hour', () => {
    const known = [anomaly('d1', NOW - 10, true), anomaly('d2', NOW - HOUR_MS - 1)];
    const merged = mergeAnomalies(known, [anomaly('d1', NOW - 10), anomaly('d3', NOW)], NOW);
    expect(merged).toEqual([anomaly('d1', NOW - 10), anomaly('d3', NOW)]);
  });

  it('reads anomaly events and refuses other data', () => {
    expect(toFleetAnomaly({ device: 'd1', metric: 'm', detector: 'x', ts: 5, score: 0.9 })).toEqual({
      device: 'd1',
      metric: 'm',
      detector: 'x',
      ts: 5,
    });
    expect(toFleetAnomaly({ device: 'd1', metric: 'm', detector: 'x', ts: 'now' })).toBeUndefined();
    expect(toFleetAnomaly(null)).toBeUndefined();
  });
});
