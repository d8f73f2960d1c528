import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SOURCE_DIR = fileURLToPath(new URL('./src', import.meta.url));

/** Where the API serves dashboards from by default (`dashboards/dist`). */
export const DEFAULT_DASHBOARDS_OUT_DIR = fileURLToPath(new URL('./dist', import.meta.url));

/**
 * Builds the dashboards into static assets: the live page's TypeScript bundled with ECharts from
 * node_modules (minified, no CDN, works offline) as `live.js`, plus `index.html` and `live.css`.
 *
 * @example
 * await buildDashboards({ outDir: '/tmp/eddy-dashboards' });
 * // /tmp/eddy-dashboards/{index.html, live.js, live.css}
 */
export async function buildDashboards(options: { outDir?: string } = {}): Promise<void> {
  const outDir = resolve(options.outDir ?? DEFAULT_DASHBOARDS_OUT_DIR);
  const live = join(SOURCE_DIR, 'live');
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(live, 'main.ts')],
    outfile: join(outDir, 'live.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  await copyFile(join(live, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(live, 'live.css'), join(outDir, 'live.css'));
}

// `node --import tsx dashboards/build.ts [outDir]` (npm run build:dashboards)
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = resolve(process.argv[2] ?? DEFAULT_DASHBOARDS_OUT_DIR);
  buildDashboards({ outDir }).then(
    () => console.log(`Built the dashboards into ${outDir}`),
    (error: unknown) => {
      console.error(
        `Could not build the dashboards: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
