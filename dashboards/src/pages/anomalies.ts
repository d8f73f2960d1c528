/**
 * The anomalies page (`#/anomalies?device=&metric=&detector=&acknowledged=&range=&sort=&dir=`): a
 * table (`data-rows`) of `GET /api/anomalies`, sorted by clicking a column header, filtered by the
 * route's params (the filter controls navigate, so the route always says what is shown), an
 * Acknowledge button per row (`POST /api/anomalies/ack`), and new anomalies from the live feed
 * added as they come. Clicking a row's device opens `#/device?id=&metric=&at=<ts>`.
 */
import type { AnomalyBody } from '../../../services/api/schemas/anomalies.ts';
import type { AnomalyEvent } from '../../../services/domain/anomaly.ts';
import type { DashboardPage, PageContext } from '../app/page.ts';
import {
  ANOMALY_RANGES,
  type AnomalyFilters,
  anomaliesQuery,
  filtersFromParams,
  filtersToParams,
  matchesFilters,
} from './anomalies/anomaly-filters.ts';
import { anomalyFromEvent, anomalyRow } from './anomalies/anomaly-row.ts';
import {
  anomalyKey,
  nextSort,
  type SortKey,
  type SortOrder,
  sortAnomalies,
  sortFromParams,
  sortToParams,
} from './anomalies/anomaly-sort.ts';
import { errorText, h, say, selectOf } from './device/dom.ts';

const COLUMNS: readonly (readonly [label: string, sort?: SortKey])[] = [
  ['Time', 'ts'],
  ['Device', 'device'],
  ['Metric', 'metric'],
  ['Detector', 'detector'],
  ['Score', 'score'],
  ['Value (expected range)'],
  ['Reason'],
  ['Status'],
];

export const page: DashboardPage = {
  id: 'anomalies',
  title: 'Anomalies',
  mount(root: HTMLElement, ctx: PageContext): () => void {
    root.dataset.page = 'anomalies';
    root.dataset.state = 'loading';
    const filters = filtersFromParams(ctx.params);
    let order: SortOrder = sortFromParams(ctx.params);
    const rows = new Map<string, AnomalyBody>();
    const fresh = new Set<string>();
    let disposed = false;

    const navigate = (changed: AnomalyFilters) =>
      ctx.navigate('anomalies', { ...filtersToParams(changed), ...sortToParams(order) });

    // Filters: text boxes for device, metric and detector, choices for acknowledged and range.
    const textFilter = (name: 'device' | 'metric' | 'detector') => {
      const input = h('input', {
        type: 'search',
        'data-filter': name,
        placeholder: `any ${name}`,
        value: filters[name] ?? '',
      });
      input.addEventListener('change', () =>
        navigate({ ...filters, [name]: input.value.trim() || undefined }),
      );
      return h('label', {}, [`${name[0]!.toUpperCase()}${name.slice(1)} `, input]);
    };
    const acknowledged = selectOf(
      'acknowledged',
      [
        ['', 'all'],
        ['false', 'not acknowledged'],
        ['true', 'acknowledged'],
      ],
      filters.acknowledged ?? '',
    );
    acknowledged.dataset.filter = 'acknowledged';
    acknowledged.addEventListener('change', () =>
      navigate({
        ...filters,
        acknowledged: (acknowledged.value || undefined) as AnomalyFilters['acknowledged'],
      }),
    );
    const range = selectOf(
      'range',
      [['', 'any time'], ...Object.keys(ANOMALY_RANGES).map((r): [string, string] => [r, `last ${r}`])],
      filters.range ?? '',
    );
    range.dataset.filter = 'range';
    range.addEventListener('change', () =>
      navigate({ ...filters, range: (range.value || undefined) as AnomalyFilters['range'] }),
    );

    const message = h('p', { 'data-role': 'message', className: 'muted' });
    message.hidden = true;
    const headRow = h('tr');
    const tbody = h('tbody');
    const table = h('table', { className: 'data anomalies', 'data-rows': '0' }, [
      h('thead', {}, [headRow]),
      tbody,
    ]);
    root.append(
      h('div', { className: 'toolbar' }, [
        h('h2', { text: 'Anomalies' }),
        h('form', { className: 'toolbar', 'data-role': 'filters' }, [
          textFilter('device'),
          textFilter('metric'),
          textFilter('detector'),
          h('label', {}, ['Status ', acknowledged]),
          h('label', {}, ['Time ', range]),
        ]),
      ]),
      message,
      table,
    );
    root.querySelector('form')?.addEventListener('submit', (event) => event.preventDefault());

    const actions = {
      open(a: AnomalyBody) {
        ctx.navigate('device', { id: a.device, metric: a.metric, at: String(a.ts) });
      },
      acknowledge(a: AnomalyBody, button: HTMLButtonElement) {
        button.disabled = true;
        button.textContent = 'Acknowledging…';
        ctx.api
          .post<AnomalyBody>('/api/anomalies/ack', {
            device: a.device,
            metric: a.metric,
            detector: a.detector,
            ts: a.ts,
          })
          .then((updated) => {
            if (disposed) return;
            rows.set(anomalyKey(a), updated);
            renderBody();
          })
          .catch((error: unknown) => {
            if (disposed) return;
            button.disabled = false;
            button.textContent = 'Acknowledge';
            button.title = errorText(error);
            say(message, `Could not acknowledge the anomaly of ${a.device}/${a.metric}: ${errorText(error)}`);
          });
      },
    };

    function renderHead(): void {
      headRow.replaceChildren(
        ...COLUMNS.map(([label, key]) => {
          if (!key) return h('th', { text: label });
          const sorted = order.key === key;
          const th = h(
            'th',
            {
              'data-sort': key,
              'aria-sort': sorted ? (order.dir === 'asc' ? 'ascending' : 'descending') : 'none',
              className: 'sortable',
            },
            [`${label}${sorted ? (order.dir === 'asc' ? ' ▲' : ' ▼') : ''}`],
          );
          th.addEventListener('click', () => {
            order = nextSort(order, key);
            renderHead();
            renderBody();
          });
          return th;
        }),
      );
    }

    function renderBody(): void {
      const sorted = sortAnomalies([...rows.values()], order);
      tbody.replaceChildren(...sorted.map((a) => anomalyRow(a, actions, fresh.has(anomalyKey(a)))));
      table.dataset.rows = String(sorted.length);
      if (root.dataset.state !== 'error') say(message, sorted.length === 0 ? 'No anomalies match.' : '');
    }

    renderHead();
    const stopLive = ctx.live.subscribe(['anomaly'], (event) => {
      const anomaly = anomalyFromEvent(event.data as AnomalyEvent);
      const key = anomalyKey(anomaly);
      if (rows.has(key) || !matchesFilters(anomaly, filters, Date.now())) return;
      rows.set(key, anomaly);
      fresh.add(key);
      renderBody();
    });
    ctx.api.get<{ anomalies: AnomalyBody[] }>('/api/anomalies', anomaliesQuery(filters, Date.now())).then(
      (answer) => {
        if (disposed) return;
        for (const a of answer.anomalies) {
          const key = anomalyKey(a);
          if (!rows.has(key)) rows.set(key, a);
        }
        root.dataset.state = 'ready';
        renderBody();
      },
      (error: unknown) => {
        if (disposed) return;
        root.dataset.state = 'error';
        say(message, `Could not load the anomalies: ${errorText(error)}`);
        renderBody();
      },
    );

    return () => {
      disposed = true;
      stopLive();
    };
  },
};
