import { describe, expect, it } from 'vitest';
import {
  INFLUXD_NOT_FOUND_MESSAGE,
  InfluxdNotFoundError,
  startInfluxd,
} from '../../../../services/connectors/influx/influxd-process.ts';

// Starting a real influxd is covered in test/integration/services.test.ts.
describe('startInfluxd without influxd', () => {
  const ports = { dataDir: '/nonexistent/eddy-influxdb', httpPort: 1, bindPort: 2 };

  it('says in one line how to install it', async () => {
    const started = startInfluxd({ ...ports, executable: 'influxd-not-installed-anywhere' });
    await expect(started).rejects.toThrow(InfluxdNotFoundError);
    await expect(started).rejects.toThrow(INFLUXD_NOT_FOUND_MESSAGE);
    expect(INFLUXD_NOT_FOUND_MESSAGE).toBe(
      'influxd not found: install InfluxDB 1.x with "sudo apt-get install influxdb" (or run scripts/install-services.sh)',
    );
  });

  it('names an explicit path that does not exist', async () => {
    const started = startInfluxd({ ...ports, executable: '/nonexistent/influxd' });
    await expect(started).rejects.toThrow(
      /^influxd not found at \/nonexistent\/influxd: install InfluxDB 1.x/,
    );
  });

  it('rejects bad ports before looking for the binary', async () => {
    await expect(startInfluxd({ ...ports, bindPort: 1 })).rejects.toThrow(
      'httpPort and bindPort must differ',
    );
  });
});
