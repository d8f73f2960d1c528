import { DEVICE_ID_PATTERN } from '../domain/reading.ts';

/** Eddy's own user in an exported Mosquitto setup (it subscribes to telemetry, publishes alerts). */
export const DEFAULT_EDDY_MQTT_USER = 'eddy';

/** One user of the password file. */
export interface MosquittoUser {
  readonly id: string;
  /** Mosquitto 2's `$7$` hash (see `mosquittoHash`). */
  readonly mosquittoHash: string;
}

/**
 * Mosquitto's `password_file`: one `user:hash` line each, Eddy's own user first.
 *
 * @example
 * mosquittoPasswordFile({ id: 'eddy', mosquittoHash: '$7$...' }, [{ id: 'boiler-1', mosquittoHash: '$7$...' }]);
 * // 'eddy:$7$...\nboiler-1:$7$...\n'
 */
export function mosquittoPasswordFile(eddy: MosquittoUser, devices: readonly MosquittoUser[]): string {
  return [eddy, ...devices].map((user) => `${checkedUser(user.id)}:${user.mosquittoHash}\n`).join('');
}

/**
 * Mosquitto's `acl_file`: Eddy's user reads all telemetry and writes alerts and its own topics;
 * each device writes only under `sensors/<id>/` and reads only its `alerts/<id>`.
 *
 * @example
 * mosquittoAclFile('eddy', ['boiler-1']);
 * // ... 'user boiler-1\ntopic write sensors/boiler-1/#\ntopic read alerts/boiler-1\n'
 */
export function mosquittoAclFile(eddyUser: string, deviceIds: readonly string[]): string {
  const blocks = [
    [
      '# Written by `eddy devices export-mosquitto`: regenerate it after registering devices.',
      `user ${checkedUser(eddyUser)}`,
      'topic read sensors/#',
      'topic write alerts/#',
      'topic readwrite eddy/#',
    ],
    ...deviceIds.map((id) => [
      `user ${checkedUser(id)}`,
      `topic write sensors/${id}/#`,
      `topic read alerts/${id}`,
    ]),
  ];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** User names end up in line-oriented files: only device-id-shaped names (no `:`, space or newline). */
function checkedUser(id: string): string {
  if (!DEVICE_ID_PATTERN.test(id))
    throw new Error(`MQTT user name ${JSON.stringify(id)} is not a valid device id`);
  return id;
}
