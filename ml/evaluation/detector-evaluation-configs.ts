import { createDefaultDetector, DEFAULT_DETECTOR_SET } from '../detectors/default-set.ts';
import type { DetectorSpec } from '../detectors/detector.ts';
import { DETECTOR_SPECS, findDetectorSpec, parseDetectorParams } from '../detectors/registry.ts';
import type { DetectorConfiguration } from './detector-evaluation.ts';

/**
 * The detector configuration a `--detector` value names: `default` (the default detector set), or a
 * registered detector with optional parameters, `NAME[:key=value,...]` (a value may itself hold
 * commas: a part without `=` continues the previous value, so `limits=a:0:1,b:0:2` reads whole).
 * Each is scored as the alerts the default decision raises, or raw with `raw`. An unknown detector
 * or parameter throws the registry's `DetectorRegistryError`; a part without `key=` an error.
 *
 * @example
 * detectorConfiguration('rolling-z-score:window=50,threshold=4').name; // 'rolling-z-score:window=50,threshold=4'
 * detectorConfiguration('default').create().kind; // 'ensemble'
 */
export function detectorConfiguration(
  text: string,
  raw = false,
  specs: readonly DetectorSpec[] = DETECTOR_SPECS,
): DetectorConfiguration {
  const decision = raw ? {} : { decision: DEFAULT_DETECTOR_SET.decision };
  if (text === DEFAULT_DETECTOR_SET.name) {
    return { name: text, create: () => createDefaultDetector('value', specs), ...decision };
  }
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const spec = findDetectorSpec(name, specs);
  const params = parseDetectorParams(spec, colon < 0 ? {} : keyValues(text.slice(colon + 1), text));
  return { name: text, create: () => spec.create(params), ...decision };
}

/** `a=1,b=x,y` → `{ a: '1', b: 'x,y' }`. */
function keyValues(text: string, whole: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) {
      last = part.slice(0, at);
      out[last] = part.slice(at + 1);
    } else if (last !== undefined) out[last] = `${out[last]},${part}`;
    else {
      throw new Error(`--detector ${whole}: expected NAME:key=value,..., e.g. rolling-z-score:window=50`);
    }
  }
  return out;
}

/**
 * A name NAB result files accept (letters, digits, `-`): `rolling-z-score:window=50` →
 * `rolling-z-score-window-50`.
 *
 * @example
 * resultFileName('median-mad:window=60'); // 'median-mad-window-60'
 */
export function resultFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'detector';
}
