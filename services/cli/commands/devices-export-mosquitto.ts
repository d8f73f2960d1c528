import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { mosquittoHash } from '../../devices/device-credentials.ts';
import { DeviceRegistry } from '../../devices/device-registry.ts';
import {
  DEFAULT_EDDY_MQTT_USER,
  mosquittoAclFile,
  mosquittoPasswordFile,
} from '../../devices/mosquitto-files.ts';
import { START_DEFAULTS } from '../../server/start-options.ts';
import type { DevicesDependencies } from './devices.ts';

/** The files written under `--out`. */
export const MOSQUITTO_FILES = { passwords: 'passwords', acl: 'acl' } as const;

/**
 * `eddy devices export-mosquitto --out DIR`: Mosquitto's password file (`$7$` hashes stored at
 * registration; passwords themselves are never stored) and ACL file for every device with
 * credentials, plus Eddy's own user, whose password comes from `EDDY_MQTT_PASSWORD` or is generated
 * and printed once.
 *
 * @example
 * eddy devices export-mosquitto --out /etc/mosquitto/eddy
 * // then in mosquitto.conf: password_file /etc/mosquitto/eddy/passwords, acl_file /etc/mosquitto/eddy/acl
 */
export function exportMosquittoCommand(deps: DevicesDependencies = {}): Command {
  return new Command('export-mosquitto')
    .description(
      "write a Mosquitto password file and ACL file for the registered devices and Eddy's own user",
    )
    .requiredOption('--out <dir>', 'directory to write `passwords` and `acl` into (created if missing)')
    .addOption(
      new Option('--data-dir <dir>', "Eddy's files (the device registry)")
        .env('EDDY_DATA_DIR')
        .default(START_DEFAULTS.dataDir),
    )
    .addOption(new Option('--eddy-user <name>', "Eddy's own MQTT user").default(DEFAULT_EDDY_MQTT_USER))
    .addOption(
      new Option(
        '--eddy-password <password>',
        "Eddy's own MQTT password (default: generated and printed)",
      ).env('EDDY_MQTT_PASSWORD'),
    )
    .action(async (flags: { out: string; dataDir: string; eddyUser: string; eddyPassword?: string }) => {
      const stdout = deps.stdout ?? process.stdout;
      const registry = DeviceRegistry.open(flags.dataDir, { flushIntervalMs: 0 });
      let users: { id: string; mosquittoHash: string }[];
      try {
        users = registry.mosquittoUsers().filter((user) => user.id !== flags.eddyUser);
      } finally {
        registry.close();
      }
      const password = flags.eddyPassword ?? randomBytes(24).toString('base64url');
      const dir = resolve(flags.out);
      await mkdir(dir, { recursive: true });
      const passwordsPath = join(dir, MOSQUITTO_FILES.passwords);
      const aclPath = join(dir, MOSQUITTO_FILES.acl);
      await writeFile(
        passwordsPath,
        mosquittoPasswordFile({ id: flags.eddyUser, mosquittoHash: mosquittoHash(password) }, users),
        {
          mode: 0o600,
        },
      );
      await writeFile(
        aclPath,
        mosquittoAclFile(
          flags.eddyUser,
          users.map((user) => user.id),
        ),
        { mode: 0o644 },
      );
      stdout.write(
        [
          `Wrote ${passwordsPath} (${users.length} device${users.length === 1 ? '' : 's'} and "${flags.eddyUser}") and ${aclPath}.`,
          'In mosquitto.conf:',
          `  allow_anonymous false`,
          `  password_file ${passwordsPath}`,
          `  acl_file ${aclPath}`,
          flags.eddyPassword === undefined
            ? `Eddy connects as: eddy start --mqtt mqtt://${flags.eddyUser}:${password}@<host>:1883 (password shown once)`
            : `Eddy connects as "${flags.eddyUser}" with EDDY_MQTT_PASSWORD.`,
          '',
        ].join('\n'),
      );
    });
}
