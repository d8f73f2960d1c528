import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, sameRoute } from '../../../dashboards/src/app/router.ts';

describe('hash routes', () => {
  it('parses the page and its query', () => {
    const route = parseRoute('#/device?id=boiler-1&metric=temperature&at=1700000000000');
    expect(route.page).toBe('device');
    expect(Object.fromEntries(route.params)).toEqual({
      id: 'boiler-1',
      metric: 'temperature',
      at: '1700000000000',
    });
    expect(parseRoute('#/engine').page).toBe('engine');
    expect(parseRoute('#engine').page).toBe('engine');
  });

  it('shows the fleet for an empty or unknown hash', () => {
    expect(parseRoute('').page).toBe('fleet');
    expect(parseRoute('#/').page).toBe('fleet');
    expect(parseRoute('#/nope?x=1').page).toBe('fleet');
    expect(parseRoute('#/nope?x=1').params.get('x')).toBe('1');
  });

  it('builds hashes that parse back to the same route', () => {
    expect(routeHash('fleet')).toBe('#/fleet');
    const hash = routeHash('device', { id: 'boiler 1/a', metric: 'temp&x' });
    expect(hash).toBe('#/device?id=boiler+1%2Fa&metric=temp%26x');
    expect(Object.fromEntries(parseRoute(hash).params)).toEqual({ id: 'boiler 1/a', metric: 'temp&x' });
  });

  it('tells routes apart by page and params, not by param order', () => {
    expect(sameRoute(parseRoute('#/device?a=1&b=2'), parseRoute('#/device?b=2&a=1'))).toBe(true);
    expect(sameRoute(parseRoute('#/device?a=1'), parseRoute('#/device?a=2'))).toBe(false);
    expect(sameRoute(parseRoute('#/fleet'), parseRoute('#/engine'))).toBe(false);
  });
});
