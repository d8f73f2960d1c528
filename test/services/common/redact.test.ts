import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../services/common/logger.ts';
import { censorLogValue, redactUrlsInText, stripCredentials } from '../../../services/common/redact.ts';

/** A logger writing JSON lines into the returned array. */
function capturedLogger(level = 'trace') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, pretty: false, destination }), lines };
}

describe('stripCredentials', () => {
  it('masks the password of a URL and keeps the rest', () => {
    expect(stripCredentials('http://user:secret@host:8086/db')).toBe('http://user:***@host:8086/db');
    expect(stripCredentials('mqtts://dev-1:pa%24s@broker:8883')).toBe('mqtts://dev-1:***@broker:8883');
    expect(stripCredentials('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
  });

  it('masks secret query parameters, in URLs and in paths', () => {
    expect(stripCredentials('http://db:8086/query?u=eddy&p=secret&q=SHOW')).toBe(
      'http://db:8086/query?u=eddy&p=***&q=SHOW',
    );
    expect(stripCredentials('/api/live?token=secret&types=aggregate')).toBe(
      '/api/live?token=***&types=aggregate',
    );
    expect(stripCredentials('/api/health')).toBe('/api/health');
  });

  it('masks user info in text that is not a URL', () => {
    expect(stripCredentials('http://user:sec ret@host')).not.toContain('sec ret');
    expect(redactUrlsInText('cannot reach mqtt://dev:pw@broker:1883 (ECONNREFUSED)')).toBe(
      'cannot reach mqtt://dev:***@broker:1883 (ECONNREFUSED)',
    );
  });

  it('censors secret fields whole and URL fields by their credentials', () => {
    expect(censorLogValue('s3cret', ['password'])).toBe('[redacted]');
    expect(censorLogValue('http://a:b@h/x', ['where'])).toBe('http://a:***@h/x');
    expect(censorLogValue('Bearer abc', ['req', 'headers', 'authorization'])).toBe('[redacted]');
  });
});

describe('createLogger', () => {
  it('writes no secret: password, token and authorization fields, credentials in URL fields', () => {
    const { logger, lines } = capturedLogger();
    const secrets = ['influx-pass-1', 'mqtt-pass-2', 'api-token-3', 'bearer-4', 'hash-5', 'query-6'];
    logger.info({ url: 'http://eddy:influx-pass-1@db:8086/eddy' }, 'InfluxDB');
    logger.info({ where: 'mqtts://dev:mqtt-pass-2@broker:8883' }, 'MQTT');
    logger.info({ endpoint: 'http://eddy:influx-pass-1@db:8086/eddy', mqtt: 'mqtt://a:mqtt-pass-2@b:1883' });
    logger.info({ dashboard: 'https://u:mqtt-pass-2@127.0.0.1:3000', influx: 'http://x:influx-pass-1@db' });
    logger.warn({ token: 'api-token-3', apiToken: 'api-token-3', config: { password: 'mqtt-pass-2' } });
    logger.debug({ req: { headers: { authorization: 'Bearer bearer-4' } }, headers: { cookie: 'bearer-4' } });
    logger.info({ device: { passwordHash: 'hash-5' } });
    logger.info({ req: { url: '/api/live?token=query-6' } }, 'request');
    expect(lines).toHaveLength(8);
    const text = lines.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('http://eddy:***@db:8086/eddy');
    expect(text).toContain('mqtts://dev:***@broker:8883');
    expect(text).toContain('[redacted]');
  });
});
