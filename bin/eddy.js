#!/usr/bin/env node
// Eddy's command line. The sources are TypeScript, run through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../services/cli/main.ts');
