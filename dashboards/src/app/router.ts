import type { PageId } from './page.ts';

/** Every page, in navigation order. */
export const PAGE_IDS: readonly PageId[] = ['fleet', 'device', 'anomalies', 'models', 'engine'];

/** The page shown for an empty or unknown hash. */
export const DEFAULT_PAGE: PageId = 'fleet';

/** A parsed hash route: `#/device?id=boiler-1` → page `device`, params `id=boiler-1`. */
export interface Route {
  readonly page: PageId;
  readonly params: URLSearchParams;
}

/**
 * Parses `#/<page>?<query>`; an empty or unknown page is the {@link DEFAULT_PAGE} (its query kept).
 *
 * @example
 * parseRoute('#/device?id=boiler-1&metric=temperature').params.get('id'); // 'boiler-1'
 * parseRoute('').page; // 'fleet'
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const question = path.indexOf('?');
  const name = question === -1 ? path : path.slice(0, question);
  const query = question === -1 ? '' : path.slice(question + 1);
  const page = PAGE_IDS.find((id) => id === name) ?? DEFAULT_PAGE;
  return { page, params: new URLSearchParams(query) };
}

/**
 * The hash of a page with its params, the inverse of {@link parseRoute}.
 *
 * @example
 * routeHash('device', { id: 'boiler-1' }); // '#/device?id=boiler-1'
 * routeHash('fleet'); // '#/fleet'
 */
export function routeHash(page: PageId, params: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams(params).toString();
  return query === '' ? `#/${page}` : `#/${page}?${query}`;
}

/**
 * Whether two routes show the same thing (same page, same params in any order).
 *
 * @example
 * sameRoute(parseRoute('#/device?a=1&b=2'), parseRoute('#/device?b=2&a=1')); // true
 */
export function sameRoute(a: Route, b: Route): boolean {
  return a.page === b.page && canonical(a.params) === canonical(b.params);
}

function canonical(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
}
