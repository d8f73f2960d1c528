import type { TopicPattern } from './topic-pattern.ts';

/**
 * The filters a source subscribes to: each topic pattern's filter, or, as a member of a shared
 * subscription group, `$share/<group>/<filter>`. The broker hands each message of a shared
 * subscription to one member of the group only (Mosquitto ≥ 1.6 for MQTT 3.1.1 and 5 clients,
 * EMQX, HiveMQ), and delivers it on its own topic, so topic parsing is the same either way.
 * Throws on a group name that cannot be one MQTT topic level.
 *
 * @example
 * subscriptionFilters([compileTopicPattern('sensors/{device}/telemetry')], 'eddy');
 * // ['$share/eddy/sensors/+/telemetry']
 */
export function subscriptionFilters(topics: readonly TopicPattern[], group?: string): string[] {
  if (group === undefined) return topics.map((t) => t.filter);
  if (group.length === 0 || /[/+#]/.test(group) || group.includes('\u0000')) {
    throw new Error(
      `invalid MQTT shared-subscription group ${JSON.stringify(group)}: use a non-empty name without / + #`,
    );
  }
  return topics.map((t) => `$share/${group}/${t.filter}`);
}
