import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.ts';

describe('buildDashboards', () => {
  let outDir: string | undefined;
  afterAll(() => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined));

  it('writes the app and the live page, each one minified bundle with ECharts inside, nothing from a CDN', async () => {
    outDir = join(await mkdtemp(join(tmpdir(), 'eddy-build-')), 'nested', 'dist');
    await buildDashboards({ outDir });
    expect((await readdir(outDir)).sort()).toEqual([
      'app.css',
      'app.js',
      'index.html',
      'live.css',
      'live.html',
      'live.js',
    ]);

    for (const [html, script, css] of [
      ['index.html', 'app.js', 'app.css'],
      ['live.html', 'live.js', 'live.css'],
    ] as const) {
      const text = await readFile(join(outDir, html), 'utf8');
      expect(text).toContain('<title>Eddy</title>');
      expect(text).toContain(`src="${script}"`);
      expect(text).toContain(`href="${css}"`);
      expect(text).not.toMatch(/(src|href)="(https?:)?\/\//);

      const js = await readFile(join(outDir, script), 'utf8');
      expect(js.length).toBeGreaterThan(100_000); // ECharts is bundled
      expect(js.split('\n').length).toBeLessThan(200); // minified
      expect(js).not.toMatch(/\bimport\s*\(|\bfrom\s*["']echarts/);
    }
  });
});
