import type { Role } from '../plugins/operator.js';
import { formatEvent } from '../plugins/sse.js';
import { BoundedSend } from './bounded-send.js';
import {
  type HubOptions,
  LIVE_REFRESH_MS,
  type LiveClient,
  type LiveSink,
  type LiveStatus,
  type LiveTopic,
  type RenderRegion,
  type RenderResult,
} from './hub-types.js';
import { Slots } from './slots.js';

/*
 * The fan-out: browsers subscribe to regions of pages (a topic: page URL + region id); when the
 * cluster changes, each topic is rendered ONCE per role that has subscribers, and the one frame,
 * built once, is written to every subscriber of that (topic, role) — never once per browser.
 * A browser that reads slower than frames come is not buffered for without bound: past the limit
 * its frames are dropped, and once it has caught up it is told `resync` (it re-fetches its
 * regions; src/live/bounded-send.ts). Knows nothing of Fastify: the plugin (src/plugins/live.ts)
 * hands in the render and the streams.
 */

const KB = 1024;
/** One frame per status, shared by every hub (LiveHub#statusFrame). */
const STATUS_FRAMES = new Map<LiveStatus, Buffer>();

interface Group {
  /**
   * Its subscribers, each with its sink: the fan-out reads the sink from here and never touches
   * the Client (with thousands of streams every object read per stream is a cache miss).
   */
  readonly clients: Map<Client, LiveSink>;
  /** The HTML last sent to this (topic, role): a render giving the same sends nothing. */
  lastHtml: string | undefined;
  /**
   * Subscribers that joined after the group's first render: their page was rendered on its own,
   * maybe at another moment (during an outage, before a change), so the next render is sent to
   * them even when it is what the others already have.
   */
  readonly joined: Set<Client>;
}

interface Topic extends LiveTopic {
  readonly key: string;
  readonly roles: Map<Role, Group>;
  lastRenderAt: number;
  timer: NodeJS.Timeout | undefined;
  rendering: boolean;
  /** A change came while rendering: render again once done (throttled). */
  again: boolean;
}

/** What a Client asks of its hub: made once per hub, so that no stream holds closures of its own. */
interface ClientOwner {
  drained(client: Client): void;
  remove(client: Client): void;
}

/**
 * A subscriber, and the LiveClient its stream holds. One object per stream with its methods on
 * the prototype: an object of two closures over the subscriber cost ~0.7 KB more per stream (the
 * closures, their scope, and the property each gets for its name under esbuild's keepNames).
 */
class Client implements LiveClient {
  readonly topics = new Set<Topic>();
  readonly sink: LiveSink;
  readonly role: Role;
  readonly #owner: ClientOwner;

  constructor(sink: LiveSink, role: Role, owner: ClientOwner) {
    this.sink = sink;
    this.role = role;
    this.#owner = owner;
  }

  drained(): void {
    this.#owner.drained(this);
  }

  close(): void {
    this.#owner.remove(this);
  }
}

export class LiveHub {
  readonly #render: RenderRegion;
  /** Writes to subscribers, dropping frames for one that is behind (src/live/bounded-send.ts). */
  readonly #out: BoundedSend<Client>;
  readonly #throttleMs: number;
  readonly #refreshMs: number;
  readonly #heartbeatMs: number;
  /**
   * An event, not a comment (which pages never see): a page that hears nothing from its stream
   * for three of them knows it is dead or held by a proxy, and reconnects (src/browser/live.js).
   */
  readonly #heartbeatFrame: Buffer;
  readonly #slots: Slots;
  readonly #topics = new Map<string, Topic>();
  readonly #clients = new Set<Client>();
  #status: LiveStatus;
  #version = 0n;
  #renders = 0;
  #refresh: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #flush: (() => void) | undefined;
  readonly #owner: ClientOwner = {
    drained: (client) => this.#out.drained(client, client.sink),
    remove: (client) => this.#remove(client),
  };
  /** The last frame sent to a (topic, role): handing it to every subscriber, and writing it. */
  #fanOut = { ms: 0, withWritesMs: 0, clients: 0 };
  /** Frames fanned out since start (to one subscriber or thousands). */
  #fanOuts = 0;

  constructor(options: HubOptions) {
    this.#render = options.render;
    this.#out = new BoundedSend(options.maxBufferedBytes ?? 256 * KB);
    this.#throttleMs = options.throttleMs ?? 1_000;
    this.#refreshMs = options.refreshMs ?? LIVE_REFRESH_MS;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#heartbeatFrame = Buffer.from(
      formatEvent({ event: 'heartbeat', data: String(this.#heartbeatMs) }),
    );
    this.#slots = new Slots(options.concurrency ?? 8);
    this.#status = options.status ?? 'polling';
    this.#flush = options.flush;
  }

  /** Subscribers now (one per open stream). */
  subscriberCount(): number {
    return this.#clients.size;
  }

  /**
   * Renders made since start (each is one internal request), topics with subscribers, and the
   * last fan-out of a region's frame: to how many subscribers, the time handing it to them took
   * (fanOutMs, ms) and until the sinks' writes had reached the kernel (fanOutWithWritesMs);
   * fanOuts counts the frames fanned out so far.
   */
  stats(): {
    renders: number;
    topics: number;
    subscribers: number;
    fanOutMs: number;
    fanOutClients: number;
    fanOutWithWritesMs: number;
    fanOuts: number;
  } {
    return {
      renders: this.#renders,
      topics: this.#topics.size,
      subscribers: this.#clients.size,
      fanOutMs: this.#fanOut.ms,
      fanOutClients: this.#fanOut.clients,
      fanOutWithWritesMs: this.#fanOut.withWritesMs,
      fanOuts: this.#fanOuts,
    };
  }

  get status(): LiveStatus {
    return this.#status;
  }

  /**
   * A new stream for `role`, following `topics`. It gets the live status at once; a topic that
   * nobody of its role followed yet is rendered now and sent (the page may have been rendered
   * before a change); a topic followed already is sent at its next change.
   */
  subscribe(sink: LiveSink, role: Role, topics: readonly LiveTopic[]): LiveClient {
    const client = new Client(sink, role, this.#owner);
    if (this.#closed) {
      sink.end();
      return { drained() {}, close() {} };
    }
    this.#clients.add(client);
    this.#startTimers();
    this.#out.send(client, sink, this.#statusFrame());
    // At once too: the page learns how often to expect one before the first is due.
    this.#out.send(client, sink, this.#heartbeatFrame);
    for (const wanted of topics) {
      const topic = this.#topic(wanted);
      let group = topic.roles.get(role);
      const first = !group;
      if (!group) {
        group = { clients: new Map(), lastHtml: undefined, joined: new Set() };
        topic.roles.set(role, group);
      }
      group.clients.set(client, sink);
      client.topics.add(topic);
      if (first) {
        topic.lastRenderAt = Date.now();
        void this.#renderGroup(topic, role, group);
      } else if (group.lastHtml !== undefined) {
        // Joining after a render was sent: the next one (one per topic however many join,
        // throttled like a change) is sent to it even if the others have it already.
        group.joined.add(client);
        this.#schedule(topic);
      }
    }
    return client;
  }

  /** The cluster changed (the feed is at `version`): every topic is rendered again, throttled. */
  changed(version: bigint): void {
    if (version > this.#version) this.#version = version;
    for (const topic of this.#topics.values()) this.#schedule(topic);
  }

  /**
   * Something that is no control-plane resource changed (the console's own sessions): the
   * topics `match` picks are rendered again, throttled like a change.
   */
  refresh(match: (topic: LiveTopic) => boolean): void {
    for (const topic of this.#topics.values()) if (match(topic)) this.#schedule(topic);
  }

  /** The feed's state changed: every subscriber is told. */
  setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    const back = status === 'live';
    this.#status = status;
    const frame = this.#statusFrame();
    for (const client of this.#clients) this.#out.send(client, client.sink, frame);
    // The feed is back: renders skipped meanwhile (the control plane was down) are made now.
    if (back) this.changed(this.#version);
  }

  /** Ends every stream (shutdown: `retryMs` sends browsers elsewhere soon) and stops. */
  close(retryMs?: number): void {
    this.#closed = true;
    clearInterval(this.#refresh);
    clearInterval(this.#heartbeat);
    for (const topic of this.#topics.values()) clearTimeout(topic.timer);
    this.#topics.clear();
    for (const client of [...this.#clients]) client.sink.end(retryMs);
    this.#clients.clear();
    this.#out.clear();
  }

  /**
   * The status as a frame: one Buffer per status, so that a stream deflated for its browser
   * finds it deflated already (src/plugins/sse-deflate.ts) instead of deflating it again.
   */
  #statusFrame(): Buffer {
    const status = this.#status;
    let frame = STATUS_FRAMES.get(status);
    if (!frame) {
      frame = Buffer.from(formatEvent({ event: 'live-status', data: status }));
      STATUS_FRAMES.set(status, frame);
    }
    return frame;
  }

  #topic(wanted: LiveTopic): Topic {
    const key = `${wanted.page}\n${wanted.region}`;
    let topic = this.#topics.get(key);
    if (!topic) {
      topic = {
        key,
        page: wanted.page,
        region: wanted.region,
        roles: new Map(),
        lastRenderAt: Number.NEGATIVE_INFINITY,
        timer: undefined,
        rendering: false,
        again: false,
      };
      this.#topics.set(key, topic);
    }
    return topic;
  }

  #startTimers(): void {
    this.#refresh ??= setInterval(() => this.changed(this.#version), this.#refreshMs).unref();
    this.#heartbeat ??= setInterval(() => this.#beat(), this.#heartbeatMs).unref();
  }

  #beat(): void {
    for (const client of this.#clients) {
      // A client that missed frames may have caught up without a drain event reaching us.
      if (this.#out.isStale(client)) this.#out.drained(client, client.sink);
      else this.#out.send(client, client.sink, this.#heartbeatFrame);
    }
  }

  #remove(client: Client): void {
    if (!this.#clients.delete(client)) return;
    this.#out.forget(client);
    for (const topic of client.topics) {
      const group = topic.roles.get(client.role);
      group?.clients.delete(client);
      group?.joined.delete(client);
      if (group && group.clients.size === 0) topic.roles.delete(client.role);
      if (topic.roles.size === 0) {
        clearTimeout(topic.timer);
        this.#topics.delete(topic.key);
      }
    }
    client.topics.clear();
    if (this.#clients.size === 0) {
      clearInterval(this.#refresh);
      clearInterval(this.#heartbeat);
      this.#refresh = undefined;
      this.#heartbeat = undefined;
    }
  }

  #schedule(topic: Topic): void {
    if (topic.rendering) {
      topic.again = true;
      return;
    }
    if (topic.timer) return;
    const wait = Math.max(0, topic.lastRenderAt + this.#throttleMs - Date.now());
    topic.timer = setTimeout(() => {
      topic.timer = undefined;
      void this.#renderTopic(topic);
    }, wait);
    topic.timer.unref?.();
  }

  async #renderTopic(topic: Topic): Promise<void> {
    if (this.#topics.get(topic.key) !== topic) return;
    topic.rendering = true;
    topic.lastRenderAt = Date.now();
    try {
      await Promise.all(
        [...topic.roles].map(([role, group]) => this.#renderGroup(topic, role, group)),
      );
    } finally {
      topic.rendering = false;
    }
    if (topic.again) {
      topic.again = false;
      this.#schedule(topic);
    }
  }

  async #renderGroup(topic: Topic, role: Role, group: Group): Promise<void> {
    // Who joined before this render began gets it; who joins meanwhile waits for the next.
    const joined = [...group.joined];
    const result = await this.#slots.run(async (): Promise<RenderResult> => {
      this.#renders += 1;
      try {
        return await this.#render(topic, role, this.#version);
      } catch {
        return 'skip';
      }
    });
    if (this.#closed || topic.roles.get(role) !== group) return;
    if (result === 'skip') return;
    if (result === 'refused') {
      // Fail closed: this role gets nothing of this topic, ever, on these streams.
      topic.roles.delete(role);
      for (const client of group.clients.keys()) client.topics.delete(topic);
      if (topic.roles.size === 0) {
        clearTimeout(topic.timer);
        this.#topics.delete(topic.key);
      }
      return;
    }
    for (const client of joined) group.joined.delete(client);
    const changed = result.html !== group.lastHtml;
    // Unchanged: only those who joined since get it (their page may show something else).
    const to = changed
      ? group.clients
      : new Map(
          joined.flatMap((client) => (group.clients.has(client) ? [[client, client.sink]] : [])),
        );
    if (to.size === 0) return;
    group.lastHtml = result.html;
    const frame = Buffer.from(formatEvent({ event: topic.region, data: result.html }));
    const started = performance.now();
    // forEach hands key and value from the map's table: no [client, sink] array per stream.
    to.forEach((sink, client) => {
      this.#out.send(client, sink, frame);
    });
    const fanOut = {
      ms: performance.now() - started,
      withWritesMs: 0,
      clients: to.size,
    };
    this.#fanOut = fanOut;
    this.#fanOuts += 1;
    this.#flush?.();
    // Sinks may queue their writes until the end of the tick: timed once they are out.
    setImmediate(() => {
      fanOut.withWritesMs = performance.now() - started;
    });
  }
}
