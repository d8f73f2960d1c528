import type { AnomalyBody } from '../../../../services/api/schemas/anomalies.ts';
import type { AnomalyEvent } from '../../../../services/domain/anomaly.ts';
import { formatNumber } from '../../live/chart-option.ts';
import { h } from '../device/dom.ts';

/** What a row does when clicked. */
export interface AnomalyRowActions {
  open(anomaly: AnomalyBody): void;
  acknowledge(anomaly: AnomalyBody, button: HTMLButtonElement): void;
}

/**
 * An anomaly of the live feed as the API lists it: not acknowledged, NaN (sent as null) kept null.
 *
 * @example
 * anomalyFromEvent(event).acknowledged; // false
 */
export function anomalyFromEvent(event: AnomalyEvent): AnomalyBody {
  const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    device: event.device,
    metric: event.metric,
    detector: event.detector,
    ts: event.ts,
    score: num(event.score),
    value: num(event.value),
    expected: num(event.expected),
    lower: num(event.lower),
    upper: num(event.upper),
    reason: typeof event.reason === 'string' ? event.reason : '',
    acknowledged: false,
    acknowledgedAt: null,
  };
}

/** A number for a cell: `–` when missing. */
export function cellNumber(value: number | null): string {
  return value === null ? '–' : formatNumber(value);
}

/**
 * One table row: time, device (opens the device page at that moment), metric, detector, score,
 * value (with the expected range), reason, and an Acknowledge button or the acknowledgement time.
 * The row carries `data-device`, `data-metric`, `data-detector`, `data-ts`, `data-acknowledged`.
 */
export function anomalyRow(a: AnomalyBody, actions: AnomalyRowActions, fresh: boolean): HTMLTableRowElement {
  const device = h('button', { type: 'button', className: 'link', 'data-role': 'open', text: a.device });
  device.addEventListener('click', () => actions.open(a));
  let status: HTMLElement;
  if (a.acknowledged) {
    status = h('span', {
      className: 'acknowledged',
      'data-role': 'acknowledged',
      text:
        a.acknowledgedAt === null
          ? 'acknowledged'
          : `acknowledged ${new Date(a.acknowledgedAt).toLocaleString()}`,
    });
  } else {
    const button = h('button', { type: 'button', 'data-role': 'ack', text: 'Acknowledge' });
    button.addEventListener('click', () => actions.acknowledge(a, button));
    status = button;
  }
  const range =
    a.lower !== null && a.upper !== null ? ` (${cellNumber(a.lower)} – ${cellNumber(a.upper)})` : '';
  return h(
    'tr',
    {
      'data-device': a.device,
      'data-metric': a.metric,
      'data-detector': a.detector,
      'data-ts': String(a.ts),
      'data-acknowledged': String(a.acknowledged),
      className: fresh ? 'new' : undefined,
    },
    [
      h('td', { title: new Date(a.ts).toISOString(), text: new Date(a.ts).toLocaleString() }),
      h('td', {}, [device]),
      h('td', { text: a.metric }),
      h('td', { text: a.detector }),
      h('td', { className: 'num', text: cellNumber(a.score) }),
      h('td', { className: 'num', text: `${cellNumber(a.value)}${range}` }),
      h('td', { className: 'reason', text: a.reason }),
      h('td', {}, [status]),
    ],
  );
}
