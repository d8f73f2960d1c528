import type { DeviceStatus } from './device.ts';

/** Silence shorter than this never marks a device offline (default of `offlineFloorMs`). */
export const DEFAULT_OFFLINE_FLOOR_MS = 15_000;

/** How many expected intervals of silence make a device offline. */
export const OFFLINE_INTERVALS = 3;

/**
 * Online or offline: offline once silent for longer than
 * `max(3 × (expectedIntervalMs ?? observed median interval), floorMs)`; `unknown` before its first
 * message. A device with neither interval goes offline after `floorMs`.
 *
 * @example
 * deviceStatus({ lastSeen: 0, expectedIntervalMs: 10_000, observedIntervalMs: null, now: 30_000, floorMs: 15_000 }); // 'online'
 * deviceStatus({ lastSeen: 0, expectedIntervalMs: 10_000, observedIntervalMs: null, now: 30_001, floorMs: 15_000 }); // 'offline'
 */
export function deviceStatus(parts: {
  lastSeen: number | null;
  expectedIntervalMs: number | null;
  observedIntervalMs: number | null;
  now: number;
  floorMs: number;
}): DeviceStatus {
  if (parts.lastSeen === null) return 'unknown';
  return parts.now - parts.lastSeen > offlineAfterMs(parts) ? 'offline' : 'online';
}

/**
 * The silence after which a device counts as offline.
 *
 * @example
 * offlineAfterMs({ expectedIntervalMs: null, observedIntervalMs: 1_000, floorMs: 15_000 }); // 15000
 */
export function offlineAfterMs(parts: {
  expectedIntervalMs: number | null;
  observedIntervalMs: number | null;
  floorMs: number;
}): number {
  const interval = parts.expectedIntervalMs ?? parts.observedIntervalMs ?? 0;
  return Math.max(OFFLINE_INTERVALS * interval, parts.floorMs);
}
