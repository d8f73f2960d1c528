/**
 * The contract between the dashboard shell (router, navigation, API and live clients) and its
 * pages. The shell is one HTML page (`index.html`) with a hash router: `#/fleet`, `#/device?id=
 * boiler-1&metric=temperature&at=1700000000000`, `#/anomalies`, `#/models`, `#/engine`; moving
 * between pages never reloads. Each page is a module exporting a {@link DashboardPage}.
 *
 * Conventions every page keeps, so that browser tests and tools can tell "drawn with data" from
 * "a canvas": each chart's element carries `data-points` (points given to the chart) and
 * `data-drawn` (the same number once ECharts finished drawing them); each table carries
 * `data-rows`; a page's root carries `data-page` (its id) and `data-state` (`loading`, `ready`,
 * `error`).
 */

/** One event of the live feed (`/api/live`, Server-Sent Events). */
export interface LiveEvent<T = unknown> {
  readonly type: string;
  readonly seq: number;
  readonly data: T;
}

/** JSON over the API; errors reject with {@link ApiRequestError}. */
export interface ApiClient {
  get<T>(path: string, query?: Readonly<Record<string, string | number | boolean | undefined>>): Promise<T>;
  /** Sends the API token (kept in localStorage under `eddy.apiToken`) as a bearer token. */
  post<T>(path: string, body: unknown): Promise<T>;
}

/** An API answer other than 2xx: the catalog's `{"error": {"code", "message"}}`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** The live feed, shared by every page: one EventSource, listeners by event type. */
export interface LiveClient {
  /** Calls `listener` for each new event of `types`; returns the function that stops it. */
  subscribe(types: readonly string[], listener: (event: LiveEvent) => void): () => void;
}

/** What a page gets from the shell when it is shown. */
export interface PageContext {
  readonly api: ApiClient;
  readonly live: LiveClient;
  /** The route's query (`#/device?id=boiler-1&metric=temperature` → id, metric). */
  readonly params: URLSearchParams;
  /** Shows another page (or the same with other params), without reloading. */
  navigate(page: PageId, params?: Readonly<Record<string, string>>): void;
}

export type PageId = 'fleet' | 'device' | 'anomalies' | 'models' | 'engine';

/** One dashboard page. */
export interface DashboardPage {
  readonly id: PageId;
  /** The navigation label, e.g. `Fleet`. */
  readonly title: string;
  /** Draws the page into `root` (empty, visible); returns what undoes it (listeners, timers, charts). */
  mount(root: HTMLElement, ctx: PageContext): () => void;
}
