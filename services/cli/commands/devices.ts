import { Command, InvalidArgumentError, Option } from 'commander';
import type { DeviceFields } from '../../devices/device.ts';
import { DeviceRegistry } from '../../devices/device-registry.ts';
import { START_DEFAULTS } from '../../server/start-options.ts';
import { parseDurationOption } from '../options.ts';
import { exportMosquittoCommand } from './devices-export-mosquitto.ts';

/** What the commands write to; tests replace it. */
export interface DevicesDependencies {
  stdout?: { write(text: string): unknown };
}

const dataDirOption = () =>
  new Option('--data-dir <dir>', "Eddy's files (the device registry, eddy.db)")
    .env('EDDY_DATA_DIR')
    .default(START_DEFAULTS.dataDir);

/**
 * `eddy devices list | register | remove | export-mosquitto`, against the registry in `--data-dir`
 * (safe while Eddy runs: SQLite in WAL mode; a running Eddy sees the change on its next read).
 *
 * @example
 * eddy devices register boiler-1 --kind boiler --tag site=lyon --expected-interval 10s
 * // boiler-1 registered. MQTT username: boiler-1  password: 3q2-... (shown once)
 */
export function devicesCommand(deps: DevicesDependencies = {}): Command {
  const out = () => deps.stdout ?? process.stdout;
  const withRegistry = <T>(dataDir: string, use: (registry: DeviceRegistry) => T): T => {
    const registry = DeviceRegistry.open(dataDir, { flushIntervalMs: 0 });
    try {
      return use(registry);
    } catch (error) {
      // The registry's refusals (unknown id, taken id, bad tag) say what to do: no stack trace.
      if (
        typeof (error as { code?: unknown }).code === 'string' &&
        (error as { code: string }).code.startsWith('EDDY_')
      ) {
        command.error(`error: ${(error as Error).message}`, {
          exitCode: 1,
          code: (error as { code: string }).code,
        });
      }
      throw error;
    } finally {
      registry.close();
    }
  };
  const command = new Command('devices').description(
    'the device registry: list, register, remove, export for Mosquitto',
  );

  command
    .command('list')
    .description('list the devices with their status and last message')
    .addOption(dataDirOption())
    .option('--json', 'print JSON (as GET /api/devices)')
    .action((flags: { dataDir: string; json?: boolean }) => {
      const { devices, total } = withRegistry(flags.dataDir, (r) =>
        r.list({ limit: Number.MAX_SAFE_INTEGER }),
      );
      if (flags.json) {
        out().write(`${JSON.stringify({ devices, total }, null, 2)}\n`);
        return;
      }
      if (devices.length === 0) {
        out().write(`No devices in ${flags.dataDir}.\n`);
        return;
      }
      const rows = devices.map((d) => [
        d.id,
        d.kind ?? '-',
        d.auto ? 'auto' : 'registered',
        d.hasCredentials ? 'yes' : 'no',
        d.lastSeen === null ? '-' : new Date(d.lastSeen).toISOString(),
        Object.entries(d.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '-',
      ]);
      const header = ['id', 'kind', 'origin', 'credentials', 'last seen', 'tags'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      out().write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
    });

  command
    .command('register <id>')
    .description('register a device ahead of its first message and print its MQTT password (once)')
    .addOption(dataDirOption())
    .option('--name <name>')
    .option('--kind <kind>')
    .option('--location <text>')
    .option('--tag <key=value>', 'a tag (repeatable)', collectTag, {} as Record<string, string>)
    .option('--expected-interval <duration>', 'how often it reports, e.g. 10s', parseDurationOption)
    .action(
      (
        id: string,
        flags: {
          dataDir: string;
          name?: string;
          kind?: string;
          location?: string;
          tag: Record<string, string>;
          expectedInterval?: number;
        },
      ) => {
        const fields: DeviceFields = {
          ...(flags.name === undefined ? {} : { name: flags.name }),
          ...(flags.kind === undefined ? {} : { kind: flags.kind }),
          ...(flags.location === undefined ? {} : { location: flags.location }),
          tags: flags.tag,
          ...(flags.expectedInterval === undefined ? {} : { expectedIntervalMs: flags.expectedInterval }),
        };
        const { credentials } = withRegistry(flags.dataDir, (r) => r.register(id, fields));
        out().write(
          `${id} registered. MQTT username: ${credentials.username}  password: ${credentials.password}\n` +
            'The password is shown only now; `eddy devices export-mosquitto` carries it to an external Mosquitto.\n',
        );
      },
    );

  command
    .command('remove <id>')
    .description('remove a device and its credentials')
    .addOption(dataDirOption())
    .action((id: string, flags: { dataDir: string }) => {
      withRegistry(flags.dataDir, (r) => r.remove(id));
      out().write(`${id} removed.\n`);
    });

  command.addCommand(exportMosquittoCommand(deps));
  return command;
}

function collectTag(value: string, tags: Record<string, string>): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('expected key=value, e.g. site=lyon.');
  return { ...tags, [value.slice(0, equals)]: value.slice(equals + 1) };
}
