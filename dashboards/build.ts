import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const SOURCE_DIR = fileURLToPath(new URL('./src', import.meta.url));

/** Where the API serves dashboards from by default (`dashboards/dist`). */
export const DEFAULT_DASHBOARDS_OUT_DIR = fileURLToPath(new URL('./dist', import.meta.url));

/** What is bundled: the dashboards app (index.html, one page per route) and the live aggregates page. */
const BUNDLES = [
  {
    entry: join('app', 'main.ts'),
    script: 'app.js',
    html: [join('app', 'index.html'), 'index.html'],
    css: [join('app', 'app.css'), 'app.css'],
  },
  {
    entry: join('live', 'main.ts'),
    script: 'live.js',
    html: [join('live', 'index.html'), 'live.html'],
    css: [join('live', 'live.css'), 'live.css'],
  },
] as const;

/**
 * Builds the dashboards into static assets, each page's TypeScript one minified bundle with ECharts
 * from node_modules (no CDN: they work offline): the app (`index.html`, `app.js`, `app.css`: fleet,
 * device, anomalies, models and engine pages behind a hash router) and the live aggregates page
 * (`live.html`, `live.js`, `live.css`).
 *
 * @example
 * await buildDashboards({ outDir: '/tmp/eddy-dashboards' });
 * // /tmp/eddy-dashboards/{index.html, app.js, app.css, live.html, live.js, live.css}
 */
export async function buildDashboards(options: { outDir?: string } = {}): Promise<void> {
  const outDir = resolve(options.outDir ?? DEFAULT_DASHBOARDS_OUT_DIR);
  await mkdir(outDir, { recursive: true });
  for (const bundle of BUNDLES) {
    await build({
      entryPoints: [join(SOURCE_DIR, bundle.entry)],
      outfile: join(outDir, bundle.script),
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    for (const [from, to] of [bundle.html, bundle.css])
      await copyFile(join(SOURCE_DIR, from), join(outDir, to));
  }
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
