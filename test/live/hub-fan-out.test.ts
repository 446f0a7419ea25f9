import { describe, expect, it } from 'vitest';
import { LiveHub } from '../../src/live/hub.js';
import type { LiveSink } from '../../src/live/hub-types.js';

// The hub's own figure for the bench (bench/live.ts reads stats().fanOutMs): what the last
// fan-out of a region's frame reached, and that the sinks' queued writes are flushed after it.

function sink(frames: Buffer[]): LiveSink {
  return {
    write: (frame) => {
      frames.push(frame);
    },
    bufferedBytes: () => 0,
    end: () => {},
  };
}

describe('the live hub’s fan-out figures', () => {
  it('times the last frame handed to a (topic, role), counts its subscribers, and flushes once', async () => {
    let flushes = 0;
    let html = '<p>1</p>';
    const hub = new LiveHub({
      render: async () => ({ html }),
      throttleMs: 0,
      flush: () => {
        flushes += 1;
      },
    });
    const topic = { page: '/', region: 'dashboard' };
    const received: Buffer[][] = [[], [], []];
    for (const frames of received) hub.subscribe(sink(frames), 'viewer', [topic]);
    // The first subscriber's render is sent to those there by then: wait for it, then change.
    await new Promise((resolve) => setTimeout(resolve, 20));
    html = '<p>2</p>';
    const before = flushes;
    const fanOutsBefore = hub.stats().fanOuts;
    hub.changed(1n);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const regionFrames = received.map((frames) =>
      frames.filter((frame) => frame.toString().startsWith('event: dashboard\n')),
    );
    const last = regionFrames[0]?.at(-1);
    expect(last?.toString()).toBe('event: dashboard\ndata: <p>2</p>\n\n');
    // One frame, built once: the very same bytes to each subscriber.
    for (const frames of regionFrames) expect(frames.at(-1)).toBe(last);
    expect(flushes - before).toBe(1);

    const stats = hub.stats();
    expect(stats.fanOutClients).toBe(3);
    // One frame to the three: one fan-out more (the bench tells events apart by it).
    expect(stats.fanOuts).toBe(fanOutsBefore + 1);
    expect(stats.fanOutMs).toBeGreaterThanOrEqual(0);
    expect(stats.fanOutWithWritesMs).toBeGreaterThanOrEqual(stats.fanOutMs);
    hub.close();
  });
});
