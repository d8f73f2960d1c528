#!/usr/bin/env node
// Eddy's command line. The sources are TypeScript, run through tsx (no build step).
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// Before anything is allocated: no allocation-site pretenuring (README, "Latency": with it, the
// alert latency's tail at 10,000 readings/s was 2-3 times as long).
setFlagsFromString('--no-allocation-site-pretenuring');
register();
await import('../services/cli/main.ts');
