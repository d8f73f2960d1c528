/** One parsed Server-Sent Events frame (fields as sent, before any browser interpretation). */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
  /** The frame's raw text, without the blank line that ends it. */
  raw: string;
}

/**
 * Reads an SSE response with fetch and parses frames, for tests. `waitFor` reads until a condition
 * holds or a timeout passes (no sleeps).
 */
export class SseTestClient {
  readonly frames: SseFrame[] = [];
  private readonly controller = new AbortController();
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private buffer = '';
  /** A read still in flight after a timeout, reused so that no chunk is lost. */
  private pendingRead: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  private readonly decoder = new TextDecoder();
  response: Response | undefined;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseTestClient> {
    const client = new SseTestClient();
    client.response = await fetch(url, { headers, signal: client.controller.signal });
    if (client.response.body) client.reader = client.response.body.getReader();
    return client;
  }

  /** Frames that carry an event (not comments or `retry:` only). */
  get events(): SseFrame[] {
    return this.frames.filter((f) => f.data !== undefined);
  }

  async waitFor(condition: (client: SseTestClient) => boolean, timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this)) {
      const left = deadline - Date.now();
      if (left <= 0 || !this.reader)
        throw new Error(`timed out; frames so far: ${JSON.stringify(this.frames)}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const chunk = await Promise.race([this.read(), timeout]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      if (chunk.done) {
        if (!condition(this)) throw new Error(`stream ended; frames so far: ${JSON.stringify(this.frames)}`);
        return;
      }
      this.push(this.decoder.decode(chunk.value, { stream: true }));
    }
  }

  /** Resolves when the server ends the stream (or rejects after the timeout). */
  async waitForEnd(timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || !this.reader) throw new Error('stream did not end');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const chunk = await Promise.race([this.read().catch(() => ({ done: true as const })), timeout]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      if (chunk.done) return;
      this.push(this.decoder.decode(chunk.value, { stream: true }));
    }
  }

  private async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!this.reader) return { done: true, value: undefined };
    this.pendingRead ??= this.reader.read();
    try {
      return await this.pendingRead;
    } finally {
      this.pendingRead = undefined;
    }
  }

  /** Goes away like a closed browser tab. */
  close(): void {
    this.controller.abort();
  }

  private push(text: string): void {
    this.buffer += text;
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.frames.push(parseFrame(raw));
    }
  }
}

function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = { comments: [], raw };
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) {
      frame.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event' || field === 'retry') frame[field] = value;
    else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}
