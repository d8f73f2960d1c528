import { describe, expect, it } from 'vitest';
import { renderInfluxdConfig } from '../../../../services/connectors/influx/influxd-config.ts';

const base = { dataDir: '/srv/eddy/influxdb', host: '127.0.0.1', httpPort: 18086, bindPort: 18088 };

describe('renderInfluxdConfig', () => {
  it('puts files under dataDir, binds both listeners to host, and turns off reporting', () => {
    const config = renderInfluxdConfig(base);
    expect(config).toContain('reporting-enabled = false\nreporting-disabled = true\n');
    expect(config).toContain('bind-address = "127.0.0.1:18088"\n\n[meta]\n  dir = "/srv/eddy/influxdb/meta"');
    expect(config).toContain('  dir = "/srv/eddy/influxdb/data"\n  wal-dir = "/srv/eddy/influxdb/wal"');
    expect(config).toContain(
      '[http]\n  enabled = true\n  bind-address = "127.0.0.1:18086"\n  auth-enabled = false',
    );
    expect(config).toContain('[logging]\n  level = "warn"');
  });

  it('brackets IPv6 hosts and escapes paths as TOML strings', () => {
    const config = renderInfluxdConfig({ ...base, host: '::1', dataDir: '/tmp/a "b"' });
    expect(config).toContain('bind-address = "[::1]:18086"');
    expect(config).toContain('dir = "/tmp/a \\"b\\"/meta"');
  });

  it('rejects bad ports, equal ports, relative folders and odd hosts', () => {
    expect(() => renderInfluxdConfig({ ...base, httpPort: 0 })).toThrow(
      'httpPort must be an integer in 1..65535',
    );
    expect(() => renderInfluxdConfig({ ...base, bindPort: 70_000 })).toThrow('bindPort must be an integer');
    expect(() => renderInfluxdConfig({ ...base, bindPort: 18086 })).toThrow('must differ');
    expect(() => renderInfluxdConfig({ ...base, dataDir: 'rel/dir' })).toThrow('absolute path');
    expect(() => renderInfluxdConfig({ ...base, host: 'a"b' })).toThrow('host must be an address');
  });
});
