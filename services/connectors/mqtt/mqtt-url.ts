import { stripCredentials } from '../../common/logger.ts';

/** Throws, saying what to write instead, unless `url` is an `mqtt://` or `mqtts://` URL. */
export function checkMqttUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid MQTT URL ${JSON.stringify(url)}: use mqtt://host:1883 or mqtts://host:8883`);
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    const shown = parsed.password ? stripCredentials(url) : url;
    throw new Error(
      `unsupported MQTT URL scheme ${JSON.stringify(parsed.protocol)} in ${shown}: use mqtt:// or mqtts://`,
    );
  }
}
