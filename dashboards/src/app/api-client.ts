import { type ApiClient, ApiRequestError } from './page.ts';

/** Where the browser keeps the API token. */
export const API_TOKEN_KEY = 'eddy.apiToken';

/** What {@link HttpApiClient} needs from the browser (injected in tests). */
export interface ApiClientEnvironment {
  readonly fetch: typeof fetch;
  /** `localStorage`, or anything with its two methods. */
  readonly storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** Asks the user for the API token (a small form); `null` when they cancel. */
  readonly askToken: (reason: string) => Promise<string | null>;
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The dashboards' {@link ApiClient}: JSON over `fetch`, errors as {@link ApiRequestError} (the API's
 * `{"error": {"code", "message"}}`, or status 0 and code `EDDY_API_UNREACHABLE` when the request
 * failed). A POST carries `Authorization: Bearer <token>` from storage; when it answers 401, the user
 * is asked for the token (stored if given) and the POST is sent once more.
 *
 * @example
 * const api = new HttpApiClient({ fetch: window.fetch.bind(window), storage: localStorage, askToken });
 * const { devices } = await api.get<{ devices: Device[] }>('/api/devices', { limit: 500 });
 */
export class HttpApiClient implements ApiClient {
  constructor(private readonly env: ApiClientEnvironment) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', withQuery(path, query));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    try {
      return await this.send<T>('POST', path, body);
    } catch (error) {
      if (!(error instanceof ApiRequestError) || error.status !== 401) throw error;
      const token = await this.env.askToken(
        this.token() === null
          ? 'This action needs the API token (Eddy logs it at start and saves it in <data-dir>/api-token).'
          : 'The API refused the saved token: enter the current one.',
      );
      if (token === null || token.trim() === '') throw error;
      this.env.storage.setItem(API_TOKEN_KEY, token.trim());
      return this.send<T>('POST', path, body);
    }
  }

  private token(): string | null {
    return this.env.storage.getItem(API_TOKEN_KEY);
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      const token = this.token();
      if (token !== null) headers.authorization = `Bearer ${token}`;
    }
    let res: Response;
    try {
      res = await this.env.fetch(path, {
        method,
        headers,
        cache: 'no-store',
        ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
      });
    } catch (error) {
      throw new ApiRequestError(0, 'EDDY_API_UNREACHABLE', `${method} ${path} failed: ${String(error)}`);
    }
    const text = await res.text();
    const json = parse(text);
    if (!res.ok) throw requestError(method, path, res.status, json);
    return json as T;
  }
}

/**
 * `path` with the defined query values appended.
 *
 * @example
 * withQuery('/api/anomalies', { device: 'boiler-1', limit: 50, metric: undefined }); // '/api/anomalies?device=boiler-1&limit=50'
 */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${text}`;
}

function requestError(method: string, path: string, status: number, body: unknown): ApiRequestError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`;
  const message =
    typeof error?.message === 'string' ? error.message : `${method} ${path} answered HTTP ${status}`;
  return new ApiRequestError(status, code, message);
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
