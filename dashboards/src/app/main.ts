/**
 * The dashboards' shell: navigation, the health header, the API and live clients, and a hash router
 * (`#/<page>?<query>`) that mounts one page at a time into `#main` without ever reloading.
 * `window.__eddyLoaded` is set once per page load (tests check that navigation keeps it).
 */
import { pollHealth } from '../live/health-panel.ts';
import { page as anomalies } from '../pages/anomalies.ts';
import { page as device } from '../pages/device.ts';
import { page as engine } from '../pages/engine.ts';
import { page as fleet } from '../pages/fleet.ts';
import { page as models } from '../pages/models.ts';
import { HttpApiClient } from './api-client.ts';
import { SseLiveClient } from './live-client.ts';
import type { DashboardPage, PageContext, PageId } from './page.ts';
import { PAGE_IDS, parseRoute, type Route, routeHash, sameRoute } from './router.ts';
import { askForToken } from './token-form.ts';

declare global {
  interface Window {
    __eddyLoaded?: number;
  }
}

const PAGES: Readonly<Record<PageId, DashboardPage>> = { fleet, device, anomalies, models, engine };

window.__eddyLoaded = Date.now();

const main = element('main');
const nav = element('nav');
const liveState = element('live-state');

const api = new HttpApiClient({
  fetch: window.fetch.bind(window),
  storage: window.localStorage,
  askToken: askForToken,
});
const live = new SseLiveClient({
  onState(state, detail) {
    liveState.dataset.state = state;
    liveState.textContent = state === 'live' ? '● live' : state === 'idle' ? '' : state;
    liveState.title = detail ?? '';
  },
});

let current: { route: Route; unmount: () => void } | undefined;

nav.replaceChildren(
  ...PAGE_IDS.map((id) => {
    const link = document.createElement('a');
    link.href = routeHash(id);
    link.dataset.page = id;
    link.textContent = PAGES[id].title;
    return link;
  }),
);
pollHealth(element('health'), 5_000);
window.addEventListener('hashchange', () => show(parseRoute(window.location.hash)));
if (!window.location.hash.startsWith('#/')) window.history.replaceState(null, '', routeHash('fleet'));
show(parseRoute(window.location.hash));

function navigate(page: PageId, params?: Readonly<Record<string, string>>): void {
  const hash = routeHash(page, params);
  if (window.location.hash === hash) return;
  window.location.hash = hash; // hashchange shows it
}

function show(route: Route): void {
  if (current && sameRoute(current.route, route)) return;
  if (current) {
    try {
      current.unmount();
    } catch (error) {
      console.warn(`leaving the ${current.route.page} page failed`, error);
    }
  }
  const page = PAGES[route.page];
  const root = document.createElement('section');
  root.className = 'page';
  root.dataset.page = page.id;
  root.dataset.state = 'loading';
  main.replaceChildren(root);
  for (const link of nav.querySelectorAll<HTMLAnchorElement>('a')) {
    if (link.dataset.page === page.id) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `Eddy · ${page.title}`;
  const ctx: PageContext = { api, live, params: route.params, navigate };
  let unmount: () => void = () => {};
  try {
    unmount = page.mount(root, ctx);
  } catch (error) {
    root.dataset.state = 'error';
    root.textContent = `The ${page.title} page could not start: ${String(error)}`;
  }
  current = { route, unmount };
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id} element`);
  return found;
}
