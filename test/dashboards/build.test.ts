import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../dashboards/build.ts';

describe('buildDashboards', () => {
  let outDir: string | undefined;
  afterAll(() => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined));

  it('writes index.html, live.css and a minified live.js with ECharts inside, nothing from a CDN', async () => {
    outDir = join(await mkdtemp(join(tmpdir(), 'eddy-build-')), 'nested', 'dist');
    await buildDashboards({ outDir });
    expect((await readdir(outDir)).sort()).toEqual(['index.html', 'live.css', 'live.js']);

    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(html).toContain('<title>Eddy</title>');
    expect(html).toContain('src="live.js"');
    expect(html).toContain('href="live.css"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);

    const js = await readFile(join(outDir, 'live.js'), 'utf8');
    expect(js.length).toBeGreaterThan(100_000); // ECharts is bundled
    expect(js.split('\n').length).toBeLessThan(200); // minified
    expect(js).not.toMatch(/\bimport\s*\(|\bfrom\s*["']echarts/);
  });
});
