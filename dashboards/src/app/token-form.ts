let pending: Promise<string | null> | undefined;

/**
 * Asks for the API token with a small inline form (never `prompt()`): resolves with what was
 * entered, or `null` on Cancel. Concurrent calls share one form. The form is `#token-form`.
 *
 * @example
 * const token = await askForToken('This action needs the API token.');
 */
export function askForToken(reason: string): Promise<string | null> {
  pending ??= new Promise<string | null>((resolve) => {
    const form = document.createElement('form');
    form.id = 'token-form';
    form.className = 'token-form';
    form.setAttribute('role', 'dialog');
    form.setAttribute('aria-label', 'API token');
    const text = document.createElement('p');
    text.textContent = reason;
    const input = document.createElement('input');
    input.type = 'password';
    input.name = 'token';
    input.autocomplete = 'off';
    input.placeholder = 'API token';
    input.required = true;
    const save = document.createElement('button');
    save.type = 'submit';
    save.textContent = 'Save';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    const done = (value: string | null) => {
      form.remove();
      pending = undefined;
      resolve(value);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      done(input.value);
    });
    cancel.addEventListener('click', () => done(null));
    form.append(text, input, save, cancel);
    document.body.append(form);
    input.focus();
  });
  return pending;
}
