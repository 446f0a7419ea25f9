import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveHub } from '../../src/live/hub.js';
import type { LiveSink, LiveTopic, RenderResult } from '../../src/live/hub-types.js';
import type { Role } from '../../src/plugins/operator.js';

/*
 * The fan-out on its own (no Fastify): a render function that counts, and streams that record
 * what reached them. The clock is fake, so throttling and the 15 s refresh are exact.
 */

/** A stream whose browser reads only when told to (`drain()`), as a socket's buffer would. */
class FakeStream implements LiveSink {
  buffered = 0;
  received: string[] = [];
  ended: number | undefined | null = null;
  /** What a browser reading everything would have got. */
  write(frame: Buffer): void {
    this.buffered += frame.length;
    this.received.push(frame.toString());
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  end(retryMs?: number): void {
    this.ended = retryMs;
  }
  drain(): void {
    this.buffered = 0;
  }
  events(name: string): string[] {
    return this.received.filter((frame) => frame.startsWith(`event: ${name}\n`));
  }
}

const HEARTBEAT_2S = 'event: heartbeat\ndata: 2000\n\n';
const page = '/namespaces?size=50';
const topic: LiveTopic = { page, region: 'namespace-results' };

/** Renders `html` (changed by the test), counting calls per role. */
function renderer() {
  const state = { html: '<div id="namespace-results">1</div>', calls: [] as Role[] };
  const render = vi.fn(async (_topic: LiveTopic, role: Role): Promise<RenderResult> => {
    state.calls.push(role);
    return { html: `${state.html}<!-- ${role} -->` };
  });
  return { state, render };
}

/** Lets pending renders (promises) and due timers run. */
async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the live hub', () => {
  it('renders a topic once per role for any number of subscribers, and sends each its role’s', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render, status: 'live' });
    const viewers = Array.from({ length: 50 }, () => new FakeStream());
    const admins = Array.from({ length: 50 }, () => new FakeStream());
    for (const s of viewers) hub.subscribe(s, 'viewer', [topic]);
    for (const s of admins) hub.subscribe(s, 'admin', [topic]);
    await settle();
    expect(state.calls.sort()).toEqual(['admin', 'viewer']);

    state.html = '<div id="namespace-results">2</div>';
    hub.changed(7n);
    await settle(1_000);
    expect(state.calls).toHaveLength(4);
    for (const s of viewers) {
      expect(s.events('live-status')).toEqual(['event: live-status\ndata: live\n\n']);
      expect(s.events('namespace-results').at(-1)).toContain('2</div><!-- viewer -->');
    }
    for (const s of admins) {
      expect(s.events('namespace-results').at(-1)).toContain('2</div><!-- admin -->');
    }
    expect(hub.subscriberCount()).toBe(100);
    hub.close(1000);
    expect(viewers[0]?.ended).toBe(1000);
  });

  it('renders a topic at most once a second however many changes come', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render });
    hub.subscribe(new FakeStream(), 'viewer', [topic]);
    await settle();
    const initial = state.calls.length;
    for (let i = 0; i < 20; i++) {
      hub.changed(BigInt(i + 1));
      await settle(100);
    }
    // 2 s of changes every 100 ms: about two renders, never twenty.
    const renders = state.calls.length - initial;
    expect(renders).toBeGreaterThanOrEqual(1);
    expect(renders).toBeLessThanOrEqual(3);
    hub.close();
  });

  it('sends only changed HTML, and renders again every 15 s without a change', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render });
    const stream = new FakeStream();
    hub.subscribe(stream, 'operator', [topic]);
    await settle();
    expect(stream.events('namespace-results')).toHaveLength(1);

    hub.changed(1n);
    await settle(1_000);
    expect(state.calls.length).toBe(2);
    expect(stream.events('namespace-results')).toHaveLength(1); // same HTML: nothing sent

    state.html = '<div id="namespace-results">usage moved</div>';
    await settle(15_000); // no change announced: the periodic render finds it
    expect(stream.events('namespace-results')).toHaveLength(2);
    expect(stream.events('namespace-results')[1]).toContain('usage moved');
    hub.close();
  });

  it('sends a subscriber that joins later the current render, one render for all who join', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render, status: 'live' });
    const first = new FakeStream();
    hub.subscribe(first, 'viewer', [topic]);
    await settle();
    expect(state.calls).toHaveLength(1);
    // Their pages were rendered on their own (during an outage, say): unchanged HTML still
    // reaches them, and only them.
    const late = Array.from({ length: 20 }, () => new FakeStream());
    for (const s of late) hub.subscribe(s, 'viewer', [topic]);
    await settle(1_000);
    expect(state.calls).toHaveLength(2);
    for (const s of late) expect(s.events('namespace-results')).toHaveLength(1);
    expect(first.events('namespace-results')).toHaveLength(1);
    // Once they have it, they are like the others: unchanged HTML is not sent again.
    hub.changed(1n);
    await settle(1_000);
    for (const s of late) expect(s.events('namespace-results')).toHaveLength(1);
    hub.close();
  });

  it('renders again when the feed comes back, for pages rendered during the outage', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render, status: 'live' });
    hub.subscribe(new FakeStream(), 'admin', [topic]);
    await settle();
    hub.setStatus('paused-upstream');
    render.mockImplementation(async () => 'skip'); // the control plane is down
    const reloaded = new FakeStream();
    hub.subscribe(reloaded, 'admin', [topic]);
    await settle(1_000);
    expect(reloaded.events('namespace-results')).toHaveLength(0);

    render.mockImplementation(async () => ({ html: state.html }));
    hub.setStatus('live');
    await settle(1_000);
    expect(reloaded.events('namespace-results')).toHaveLength(1);
    hub.close();
  });

  it('keeps a client that never reads under its bound, then tells it to resync', async () => {
    const { state, render } = renderer();
    const hub = new LiveHub({ render, maxBufferedBytes: 256 * 1024 });
    const slow = new FakeStream();
    const fast = new FakeStream();
    const slowClient = hub.subscribe(slow, 'viewer', [topic]);
    hub.subscribe(fast, 'viewer', [topic]);
    await settle();
    for (let i = 0; i < 1_000; i++) {
      // Each event ~10 KB: 10 MB in all if it were buffered.
      state.html = `<div id="namespace-results">${String(i).padStart(10_000, '.')}</div>`;
      hub.changed(BigInt(i + 1));
      await settle(1_000);
      fast.drain();
    }
    expect(fast.events('namespace-results').length).toBeGreaterThan(900);
    expect(slow.bufferedBytes()).toBeLessThanOrEqual(256 * 1024);
    expect(slow.events('resync')).toEqual([]);

    slow.drain();
    slowClient.drained();
    expect(slow.events('resync')).toEqual(['event: resync\ndata: resync\n\n']);
    // Back to normal: the next change reaches it.
    state.html = '<div id="namespace-results">after</div>';
    hub.changed(2_000n);
    await settle(1_000);
    expect(slow.received.at(-1)).toContain('after');
    hub.close();
  });

  it('drops a topic for a role whose render is refused, and never sends it', async () => {
    const render = vi.fn(
      async (_t: LiveTopic, role: Role): Promise<RenderResult> =>
        role === 'admin' ? { html: '<table id="audit"></table>' } : 'refused',
    );
    const hub = new LiveHub({ render });
    const viewer = new FakeStream();
    const admin = new FakeStream();
    const audit = { page: '/audit', region: 'audit' };
    hub.subscribe(viewer, 'viewer', [audit]);
    hub.subscribe(admin, 'admin', [audit]);
    await settle();
    hub.changed(1n);
    await settle(1_000);
    expect(viewer.events('audit')).toEqual([]);
    expect(admin.events('audit')).toHaveLength(1);
    // The viewer's group is gone: later changes render for the admin only.
    expect(render.mock.calls.filter(([, role]) => role === 'viewer')).toHaveLength(1);
    hub.close();
  });

  it('starts each stream with its status and a heartbeat, then a heartbeat every interval', async () => {
    const { render } = renderer();
    const hub = new LiveHub({ render, status: 'live', heartbeatMs: 2_000 });
    const stream = new FakeStream();
    hub.subscribe(stream, 'viewer', []);
    // A page hears both at once: open is not live until the first frame comes, and the
    // heartbeat's data says how long a silence is too long (src/browser/live.js).
    expect(stream.received).toEqual(['event: live-status\ndata: live\n\n', HEARTBEAT_2S]);
    await settle(2_000 * 3);
    expect(stream.received.slice(2)).toEqual([HEARTBEAT_2S, HEARTBEAT_2S, HEARTBEAT_2S]);
    hub.close();
  });

  it('tells every subscriber when the feed goes down and comes back', async () => {
    const { render } = renderer();
    const hub = new LiveHub({ render, status: 'live' });
    const stream = new FakeStream();
    hub.subscribe(stream, 'viewer', []);
    hub.setStatus('paused-upstream');
    hub.setStatus('live');
    expect(stream.events('live-status').map((f) => f.split('data: ')[1]?.trim())).toEqual([
      'live',
      'paused-upstream',
      'live',
    ]);
    await settle(15_000);
    // The heartbeat: an event a page can hear, saying how often to expect it.
    expect(stream.received.at(-1)).toBe('event: heartbeat\ndata: 15000\n\n');
    hub.close();
  });
});
