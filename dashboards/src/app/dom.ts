/**
 * Creates an element with a class and text, or children.
 *
 * @example
 * el('div', 'tile', [el('span', 'label', 'Online'), el('span', 'value', '12')]);
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  content?: string | readonly Node[],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (typeof content === 'string') element.textContent = content;
  else if (content) element.append(...content);
  return element;
}

/** A number tile (`.tile`) whose value and tone change in place. */
export interface Tile {
  readonly element: HTMLElement;
  set(value: string, tone?: 'ok' | 'warn' | 'bad'): void;
}

/**
 * A tile with a label and a value, e.g. for counters at the top of a page. `data-tile` names it.
 *
 * @example
 * const online = tile('online', 'Online'); tiles.append(online.element); online.set('12', 'ok');
 */
export function tile(name: string, label: string): Tile {
  const value = el('span', 'value', '–');
  const element = el('div', 'tile', [el('div', 'label', label), value]);
  element.dataset.tile = name;
  return {
    element,
    set(text, tone) {
      value.textContent = text;
      if (tone) element.dataset.tone = tone;
      else delete element.dataset.tone;
    },
  };
}

/**
 * `1234.5` → `1,234.5` (at most `digits` decimals).
 *
 * @example
 * formatNumber(1234.56, 1); // '1,234.6'
 */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/**
 * Bytes in B, KiB, MiB or GiB.
 *
 * @example
 * formatBytes(48_211); // '47.1 KiB'
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
