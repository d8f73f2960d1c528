import { describe, expect, it } from 'vitest';
import {
  formatInfluxUrl,
  InfluxUrlError,
  parseInfluxUrl,
} from '../../../../services/connectors/influx/influx-url.ts';

describe('parseInfluxUrl', () => {
  it('reads host, port and database', () => {
    expect(parseInfluxUrl('http://127.0.0.1:8086/plant')).toEqual({
      protocol: 'http',
      host: '127.0.0.1',
      port: 8086,
      database: 'plant',
    });
  });

  it('defaults the database to eddy and the port to 8086', () => {
    expect(parseInfluxUrl('http://influx.local')).toEqual({
      protocol: 'http',
      host: 'influx.local',
      port: 8086,
      database: 'eddy',
    });
    expect(parseInfluxUrl('http://influx.local:9999/').database).toBe('eddy');
  });

  it('keeps an explicit scheme-default port instead of replacing it with 8086', () => {
    expect(parseInfluxUrl('http://proxy:80/eddy').port).toBe(80);
    expect(parseInfluxUrl('https://proxy:443/eddy')).toMatchObject({ protocol: 'https', port: 443 });
  });

  it('decodes user name and password', () => {
    expect(parseInfluxUrl('https://eddy:s%3Acr%40t@influx.example.com:8443/plant_1')).toEqual({
      protocol: 'https',
      host: 'influx.example.com',
      port: 8443,
      database: 'plant_1',
      username: 'eddy',
      password: 's:cr@t',
    });
    expect(parseInfluxUrl('http://reader@h:1/db')).toEqual({
      protocol: 'http',
      host: 'h',
      port: 1,
      database: 'db',
      username: 'reader',
    });
  });

  it('accepts upper-case schemes, a trailing slash, surrounding spaces and IPv6 hosts', () => {
    expect(parseInfluxUrl('  HTTP://[::1]:8086/db/ ')).toEqual({
      protocol: 'http',
      host: '[::1]',
      port: 8086,
      database: 'db',
    });
  });

  it.each([
    ['', /it is empty/],
    ['127.0.0.1:8086/eddy', /must start with http:\/\/ or https:\/\//],
    ['influx://h:8086/eddy', /scheme "influx" is not supported/],
    ['http://h:abc/eddy', /port "abc" is not a number/],
    ['http://h:70000/eddy', /port 70000 is out of range/],
    ['http://h:0/eddy', /port 0 is out of range/],
    ['http://:8086/eddy', /host is missing|not a well-formed URL/],
    ['http://h:8086/a/b', /single database name/],
    ['http://h:8086/my%20db', /database name "my db" is not allowed/],
    ['http://h:8086/-db', /database name "-db" is not allowed/],
    ['http://h:8086/eddy?precision=s', /query parameters/],
    ['http://:secret@h:8086/eddy', /password is given without a user name/],
    ['http://h:8086/%zz', /invalid %-escape/],
  ])('rejects %j', (input, message) => {
    expect(() => parseInfluxUrl(input)).toThrow(InfluxUrlError);
    expect(() => parseInfluxUrl(input)).toThrow(message);
  });

  it('shows a valid example and never the password in its errors', () => {
    let error: unknown;
    try {
      parseInfluxUrl('http://eddy:hunter2@h:port/eddy');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InfluxUrlError);
    expect((error as InfluxUrlError).code).toBe('EDDY_INFLUX_URL');
    expect((error as Error).message).toContain('Expected e.g. http://127.0.0.1:8086/eddy');
    expect((error as Error).message).toContain('eddy:***@');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('formatInfluxUrl', () => {
  it('renders the URL with the password masked', () => {
    expect(formatInfluxUrl(parseInfluxUrl('http://eddy:secret@db:8086/plant'))).toBe(
      'http://eddy:***@db:8086/plant',
    );
    expect(formatInfluxUrl(parseInfluxUrl('http://reader@db/plant'))).toBe('http://reader@db:8086/plant');
    expect(formatInfluxUrl(parseInfluxUrl('https://db'))).toBe('https://db:8086/eddy');
  });

  it('renders a URL that parses back to the same thing, minus the password', () => {
    const url = parseInfluxUrl('https://e%40ddy:pw@[::1]:9000/x.y-z');
    const { password: _password, ...withoutPassword } = url;
    const reparsed = parseInfluxUrl(formatInfluxUrl(url).replace(':***@', '@'));
    expect(reparsed).toEqual(withoutPassword);
  });
});
