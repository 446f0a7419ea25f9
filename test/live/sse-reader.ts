import { type ClientRequest, get, type IncomingMessage } from 'node:http';

/** One server-sent event as a browser's EventSource would see it (comments kept apart). */
export interface ReadEvent {
  event: string;
  data: string;
}

/**
 * Reads an event stream over real HTTP (fetch), as EventSource would: frames split on blank
 * lines, `retry:` and comment lines recorded. `ended` resolves when the server ends the stream.
 */
export class EventStreamReader {
  readonly events: ReadEvent[] = [];
  readonly retries: number[] = [];
  comments = 0;
  readonly ended: Promise<void>;
  #buffer = '';
  readonly #request: ClientRequest;

  constructor(request: ClientRequest, response: IncomingMessage) {
    this.#request = request;
    this.ended = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response) {
          this.#buffer += decoder.decode(chunk as Buffer, { stream: true });
          this.#parse();
        }
      } catch {
        // Closed by close(): the stream is over for the test either way.
      }
    })();
  }

  /**
   * Opens `url` with these headers on a connection of its own (node:http, no pooling), as a
   * browser's EventSource does, and reads it.
   */
  static open(url: string, headers: Record<string, string>): Promise<EventStreamReader> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers, agent: false }, (response) => {
        if (response.statusCode !== 200) {
          request.destroy();
          reject(new Error(`stream answered ${response.statusCode}`));
          return;
        }
        resolve(new EventStreamReader(request, response));
      });
      request.on('error', reject);
    });
  }

  /** The status and content type `url` answers with, on a connection of its own. */
  static head(url: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; type: string }>((resolve, reject) => {
      const request = get(url, { headers, agent: false }, (response) => {
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'] ?? '' });
        request.destroy();
      });
      request.on('error', reject);
    });
  }

  #parse(): void {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end === -1) return;
      const frame = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) this.comments += 1;
        else if (line.startsWith('retry: ')) this.retries.push(Number(line.slice(7)));
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.events.push({ event, data: data.join('\n') });
    }
  }

  named(event: string): ReadEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Resolves with the first event (from `from` on) that matches, or fails after `timeoutMs`. */
  async waitFor(
    what: string,
    match: (event: ReadEvent) => boolean,
    from = 0,
    timeoutMs = 8_000,
  ): Promise<ReadEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Closes the connection, as a tab going away does. */
  close(): void {
    this.#request.destroy();
  }
}
