import { InvalidArgumentError } from 'commander';
import { DEFAULT_MAX_PARALLELISM } from '../engine/key-groups.ts';
import { parseDuration } from '../engine/windows/duration-label.ts';

/** commander argument parsers that fail with a message naming the expected form. */

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new InvalidArgumentError('expected a TCP port, 0 to 65535.');
  return port;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 1_000_000)
    throw new InvalidArgumentError('expected a whole number, 0 to 1000000.');
  return n;
}

/** Subtasks of a job: 1 up to the engine's max parallelism (key groups). */
export function parseParallelism(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > DEFAULT_MAX_PARALLELISM)
    throw new InvalidArgumentError(`expected a whole number of subtasks, 1 to ${DEFAULT_MAX_PARALLELISM}.`);
  return n;
}

export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer.');
  return Number(value);
}

export function parseDurationOption(value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms <= 0) throw new Error('must be positive');
    return ms;
  } catch {
    throw new InvalidArgumentError('expected a duration such as 500ms, 10s, 5m or 1h.');
  }
}

export function parseUrl(protocols: readonly string[]) {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`expected a URL such as ${protocols[0]}//host:port.`);
    }
    if (!protocols.includes(url.protocol)) {
      throw new InvalidArgumentError(`expected a ${protocols.join(' or ')} URL, got ${url.protocol}`);
    }
    return value;
  };
}

/** A period that may be switched off: `0` or `off` is 0, else a positive duration. */
export function parseIntervalOption(value: string): number {
  if (value === '0' || value === 'off') return 0;
  try {
    return parseDurationOption(value);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 500ms, 5s or 1m, or 0 / off.');
  }
}
