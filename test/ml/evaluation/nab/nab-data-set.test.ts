import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNabDataSet } from '../../../../ml/evaluation/nab/nab-data-set.ts';
import { NAB_PROFILES, parseNabProfiles } from '../../../../ml/evaluation/nab/nab-profiles.ts';

const NAB_DIR = 'test/data/nab';

describe('loadNabDataSet on the vendored subset', () => {
  it('reads the 13 series, their 25 windows, labels and profiles', async () => {
    const nab = await loadNabDataSet(NAB_DIR);
    expect(nab.files.map((f) => f.name)).toEqual([
      'artificialWithAnomaly/art_daily_flatmiddle.csv',
      'artificialWithAnomaly/art_daily_jumpsdown.csv',
      'artificialWithAnomaly/art_daily_jumpsup.csv',
      'artificialWithAnomaly/art_daily_nojump.csv',
      'artificialWithAnomaly/art_increase_spike_density.csv',
      'artificialWithAnomaly/art_load_balancer_spikes.csv',
      'realKnownCause/ambient_temperature_system_failure.csv',
      'realKnownCause/cpu_utilization_asg_misconfiguration.csv',
      'realKnownCause/ec2_request_latency_system_failure.csv',
      'realKnownCause/machine_temperature_system_failure.csv',
      'realKnownCause/nyc_taxi.csv',
      'realKnownCause/rogue_agent_key_hold.csv',
      'realKnownCause/rogue_agent_key_updown.csv',
    ]);
    expect(nab.files.reduce((n, f) => n + f.timestamps.length, 0)).toBe(93_753);
    expect(nab.files.reduce((n, f) => n + f.windows.length, 0)).toBe(25);
    const taxi = nab.files.find((f) => f.file === 'nyc_taxi.csv')!;
    expect(taxi.category).toBe('realKnownCause');
    expect(taxi.timestamps[0]).toBe(Date.UTC(2014, 6, 1));
    expect(taxi.values.slice(0, 2)).toEqual([10844, 8127]);
    expect(taxi.windows[0]).toEqual({
      startMs: Date.UTC(2014, 9, 30, 15, 30),
      endMs: Date.UTC(2014, 10, 3, 22, 30),
    });
    expect(nab.labels?.get('realKnownCause/nyc_taxi.csv')).toHaveLength(5);
    expect(nab.profiles).toEqual(NAB_PROFILES);
  });
});

describe('loadNabDataSet on malformed directories', () => {
  let dir: string;
  const okCsv = 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n2014-04-01 00:10:00,3\n';
  const okWindows = { 'cat/a.csv': [['2014-04-01 00:05:00.000000', '2014-04-01 00:10:00.000000']] };
  const write = async (name: string, text: string) => {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eddy-nab-'));
    await write('cat/a.csv', okCsv);
    await write('windows.json', JSON.stringify(okWindows));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a minimal set with NAB profiles by default, ignoring READMEs and non-CSV files', async () => {
    await write('README.md', '# notes');
    await write('cat/notes.txt', 'x');
    const nab = await loadNabDataSet(dir);
    expect(nab.files.map((f) => f.name)).toEqual(['cat/a.csv']);
    expect(nab.files[0]!.windows).toEqual([
      { startMs: Date.UTC(2014, 3, 1, 0, 5), endMs: Date.UTC(2014, 3, 1, 0, 10) },
    ]);
    expect(nab.labels).toBeUndefined();
    expect(nab.profiles).toBe(NAB_PROFILES);
  });

  it('reads profiles.json when present', async () => {
    await write(
      'profiles.json',
      JSON.stringify({ mine: { CostMatrix: { tpWeight: 1, fnWeight: 3, fpWeight: 0.5, tnWeight: 1 } } }),
    );
    expect((await loadNabDataSet(dir)).profiles).toEqual({
      mine: { tpWeight: 1, fnWeight: 3, fpWeight: 0.5 },
    });
  });

  it('passes on CSV errors with the file and line', async () => {
    await write('cat/a.csv', 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,oops\n');
    await expect(loadNabDataSet(dir)).rejects.toThrow(
      `${join(dir, 'cat/a.csv')}:3: value: expected a finite number, got "oops"`,
    );
  });

  it('refuses each kind of inconsistency, naming the file at fault', async () => {
    const cases: [string, () => Promise<void>, string][] = [
      [
        'no windows.json',
        () => rm(join(dir, 'windows.json')),
        `${join(dir, 'windows.json')}: cannot read it`,
      ],
      [
        'windows.json not JSON',
        () => write('windows.json', '{'),
        `${join(dir, 'windows.json')}: not valid JSON`,
      ],
      [
        'a file without windows',
        () => write('cat/b.csv', okCsv),
        `${join(dir, 'cat/b.csv')}: no entry "cat/b.csv" in`,
      ],
      [
        'windows for no file',
        () => write('windows.json', JSON.stringify({ ...okWindows, 'cat/z.csv': [] })),
        '"cat/z.csv" names no data file',
      ],
      [
        'a window not on a record',
        () =>
          write(
            'windows.json',
            JSON.stringify({ 'cat/a.csv': [['2014-04-01 00:05:00', '2014-04-01 00:11:00']] }),
          ),
        '"cat/a.csv" window 1: 2014-04-01 00:11:00 is not the timestamp of a record in',
      ],
      [
        'a malformed window',
        () => write('windows.json', JSON.stringify({ 'cat/a.csv': [['2014-04-01 00:05:00']] })),
        '"cat/a.csv" window 1: expected ["start", "end"]',
      ],
      [
        'a window ending before it starts',
        () =>
          write(
            'windows.json',
            JSON.stringify({ 'cat/a.csv': [['2014-04-01 00:10:00', '2014-04-01 00:05:00']] }),
          ),
        'ends (2014-04-01 00:05:00) before it starts (2014-04-01 00:10:00)',
      ],
      [
        'overlapping windows',
        () =>
          write(
            'windows.json',
            JSON.stringify({
              'cat/a.csv': [
                ['2014-04-01 00:00:00', '2014-04-01 00:05:00'],
                ['2014-04-01 00:05:00', '2014-04-01 00:10:00'],
              ],
            }),
          ),
        'window 2: starts (2014-04-01 00:05:00) before window 1 ends',
      ],
      [
        'labels for no file',
        () => write('labels.json', JSON.stringify({ 'cat/z.csv': [] })),
        '"cat/z.csv" names no data file',
      ],
      [
        'a bad label',
        () => write('labels.json', JSON.stringify({ 'cat/a.csv': [5] })),
        '"cat/a.csv" label 1: expected',
      ],
      [
        'a bad profile',
        () =>
          write('profiles.json', JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fnWeight: 1 } } })),
        'profile "standard": fpWeight must be a finite number >= 0, got undefined',
      ],
      [
        'no data files',
        () => rm(join(dir, 'cat'), { recursive: true }).then(() => write('windows.json', '{}')),
        'no data files',
      ],
    ];
    for (const [what, breakIt, message] of cases) {
      await rm(dir, { recursive: true, force: true });
      await write('cat/a.csv', okCsv);
      await write('windows.json', JSON.stringify(okWindows));
      await breakIt();
      await expect(loadNabDataSet(dir), what).rejects.toThrow(message);
    }
  });

  it('accepts any directory in the layout, e.g. a copy of the subset', async () => {
    await rm(dir, { recursive: true, force: true });
    await cp(NAB_DIR, dir, { recursive: true });
    await rm(join(dir, 'labels.json'));
    await rm(join(dir, 'profiles.json'));
    const nab = await loadNabDataSet(dir);
    expect(nab.files).toHaveLength(13);
    expect(nab.profiles).toBe(NAB_PROFILES);
  });
});

describe('parseNabProfiles', () => {
  it('reads the documented example and refuses what is not a profile', () => {
    expect(parseNabProfiles({ strict: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.5 } } })).toEqual(
      {
        strict: { tpWeight: 1, fnWeight: 1, fpWeight: 0.5 },
      },
    );
    expect(() => parseNabProfiles([])).toThrow('profiles.json: expected an object of profiles by name');
    expect(() => parseNabProfiles({})).toThrow('profiles.json: no profiles');
    expect(() => parseNabProfiles({ a: { tpWeight: 1 } })).toThrow('profile "a": expected {"CostMatrix"');
    expect(() => parseNabProfiles({ a: { CostMatrix: { tpWeight: -1, fnWeight: 1, fpWeight: 1 } } })).toThrow(
      'profile "a": tpWeight must be a finite number >= 0, got -1',
    );
  });
});
