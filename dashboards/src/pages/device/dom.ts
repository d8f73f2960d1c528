/** Attributes of {@link h}: `data-*` and others as strings; `className`, `text` handled specially. */
export type Attributes = Readonly<Record<string, string | undefined>> & {
  readonly className?: string;
  readonly text?: string;
};

/**
 * Creates an element with attributes (undefined ones skipped) and children; text is set as text,
 * never parsed as HTML.
 *
 * @example
 * h('button', { type: 'button', 'data-role': 'ack', text: 'Acknowledge' });
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (name === 'className') element.className = value;
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** A `<select>` with `options` ([value, label]) and `selected` chosen. */
export function selectOf(
  role: string,
  options: readonly (readonly [string, string])[],
  selected: string,
): HTMLSelectElement {
  const select = h('select', { 'data-role': role });
  select.append(...options.map(([value, label]) => h('option', { value, text: label })));
  select.value = selected;
  return select;
}

/** A short message for an error of the API or the network. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shows `text` in a message line, hiding the line when there is nothing to say. */
export function say(line: HTMLElement, text: string): void {
  line.textContent = text;
  line.hidden = text === '';
}
