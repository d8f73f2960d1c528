import type { Scenario } from '../scenario.ts';
import { checkpoint100kKeys } from './checkpoint-100k-keys.ts';
import { detectorThroughput } from './detector-throughput.ts';
import { engineKeyedSessions, engineKeyedSliding } from './engine-keyed-sliding-and-sessions.ts';
import { engineKeyedTumbling } from './engine-keyed-tumbling.ts';
import { engineParallelism } from './engine-parallelism.ts';
import { mlSmallModels } from './ml-small-models.ts';
import { mlTfMicroBatchScenarios } from './ml-tf-micro-batch.ts';
import { mqttAlertLatency } from './mqtt-alert-latency.ts';
import { mqttEndToEnd } from './mqtt-end-to-end.ts';
import { stateBytesPerKeyWindow } from './state-bytes-per-key-window.ts';

/** Every scenario `npm run bench` knows, in the order it runs them. */
export const scenarios: readonly Scenario[] = [
  engineKeyedTumbling(1_000, 5_000_000),
  engineKeyedTumbling(100_000, 5_000_000),
  engineKeyedSliding(1_000, 5_000_000),
  engineKeyedSessions(1_000, 3_000_000),
  engineParallelism(2_000_000, 5_000_000),
  stateBytesPerKeyWindow(200_000),
  checkpoint100kKeys(100_000, 1),
  checkpoint100kKeys(100_000, 2),
  mqttEndToEnd(0, 1, 200_000),
  mqttEndToEnd(1, 1, 200_000),
  mqttEndToEnd(0, 100, 20_000),
  mqttEndToEnd(1, 100, 20_000),
  mqttAlertLatency(),
  mlSmallModels(),
  detectorThroughput(),
  ...mlTfMicroBatchScenarios(),
];
