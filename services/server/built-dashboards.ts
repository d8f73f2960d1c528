import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DASHBOARDS_DIR } from '../api/build-app.ts';
import type { Logger } from '../common/logger.ts';

/**
 * The built dashboards' directory; built now (esbuild, a second or two) when missing, rebuilt when a
 * file under `dashboards/src` changed since the last build.
 *
 * @example
 * const app = await buildApp({ ...deps, dashboardsDir: await builtDashboardsDir(logger) });
 * // first start: log "building the dashboards (first start)", then `dashboards/dist` is served
 */
export async function builtDashboardsDir(logger: Logger): Promise<string> {
  const built = join(DEFAULT_DASHBOARDS_DIR, 'index.html');
  const missing = !existsSync(built);
  if (missing || newestChange(DASHBOARD_SOURCES) > statSync(built).mtimeMs) {
    logger.info(
      missing ? 'building the dashboards (first start)' : 'rebuilding the dashboards (sources changed)',
    );
    const { buildDashboards } = await import('../../dashboards/build.ts');
    await buildDashboards({ outDir: DEFAULT_DASHBOARDS_DIR });
  }
  return DEFAULT_DASHBOARDS_DIR;
}

/** The dashboards' sources, whose changes make a built copy stale. */
const DASHBOARD_SOURCES = fileURLToPath(new URL('../../dashboards/src', import.meta.url));

/** The latest modification time of any file under `dir` (0 when it does not exist). */
function newestChange(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}
