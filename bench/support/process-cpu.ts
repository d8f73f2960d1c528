import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) a Linux process used so far: fields 14 and 15 of `/proc/<pid>/stat`,
 * in clock ticks of 1/100 s. `NaN` where there is no such file (another OS, a process gone).
 *
 * @example
 * const before = processCpuSeconds(eddy.pid);
 * // ... 60 s of load ...
 * const cores = (processCpuSeconds(eddy.pid) - before) / 60; // e.g. 0.42: 42 % of one core
 */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count from the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
