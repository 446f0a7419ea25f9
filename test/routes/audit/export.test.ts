import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStreamHooks } from '../../../src/dev/control-plane/service/audit-and-watch.js';
import { listen, type Stack, startStack } from '../../helper.js';
import { seedAudit } from './support.js';

let stack: Stack;
let baseUrl: string;
beforeAll(async () => {
  stack = await startStack();
  baseUrl = await listen(stack.app);
});
afterAll(async () => {
  auditStreamHooks.delete(stack.controlPlane.state);
  await stack?.close();
});

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const INJECTIONS = ['=1+2', '+SUM(A1)', '-3', '@cmd', '\tx', '\rline', 'plain, "quoted"\nnext'];
const BIG = 'x'.repeat(4000);
const SLOW = 90_000;

function get(path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { headers: { cookie: stack.admin.cookie } });
    req.once('response', resolve).once('error', reject).end();
  });
}

async function settled(read: () => number): Promise<number> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

describe('/audit/export', () => {
  it(
    'streams 10,000 entries as CSV with flat memory: a paused download pauses the stream',
    async () => {
      for (const [i, reason] of INJECTIONS.entries()) {
        seedAudit(stack.controlPlane, 'export', 1, { reason, requestId: `inject-${i}` });
      }
      seedAudit(stack.controlPlane, 'export', 10_000 - INJECTIONS.length, { reason: BIG });
      let batchesSent = 0;
      auditStreamHooks.set(stack.controlPlane.state, {
        beforeBatch: async (index) => {
          batchesSent = index + 1;
        },
      });
      const heapBefore = process.memoryUsage().heapUsed;
      const response = await get('/audit/export?actor=export&format=csv');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(
        /^attachment; filename="audit-log-[\d-]+\.csv"$/,
      );
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['transfer-encoding']).toBe('chunked');
      // Stop reading. The demo control plane's handler goes on producing all 100 batches (Node's
      // HTTP/2 server queues what a stream writes beyond the flow-control window in its own
      // process, as raw bytes outside the JS heap; the console's side of the connection holds
      // only the window), but the console must not go on pulling: had it read the 10,000
      // entries of 4 KB it would hold 40 MB of decoded entries and as much CSV text on the heap.
      // Once the control plane is done, the heap has grown only by what the buffers hold.
      response.pause();
      await settled(() => batchesSent);
      const grown = process.memoryUsage().heapUsed - heapBefore;
      // (about +4 MB streaming; reading it all first would be about +90 MB.)
      expect(grown).toBeLessThan(20 * 1024 * 1024);

      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.resume();
      await new Promise((resolve) => response.once('end', resolve));
      expect(batchesSent).toBe(100);
      const rows = parseCsv(Buffer.concat(chunks).toString('utf8'));
      expect(rows[0]).toEqual([
        'id',
        'time',
        'actor',
        'operation',
        'resource',
        'namespace',
        'outcome',
        'error_code',
        'error_message',
        'reason',
        'request_id',
      ]);
      expect(rows).toHaveLength(10_001);
      expect(rows[1]?.[2]).toBe('export');
      expect(rows[1]?.[6]).toBe('success');
      const byRequest = new Map(rows.map((row) => [row[10], row[9]]));
      // Formula-like cells start with ' and stay text; quoting keeps commas, quotes and lines.
      expect(INJECTIONS.map((_, i) => byRequest.get(`inject-${i}`))).toEqual([
        "'=1+2",
        "'+SUM(A1)",
        "'-3",
        "'@cmd",
        "'\tx",
        "'\rline",
        'plain, "quoted"\nnext',
      ]);
    },
    SLOW,
  );

  it('exports JSON Lines, one entry per line, with the page filters', async () => {
    seedAudit(stack.controlPlane, 'jay', 3, { reason: '=danger' });
    const response = await stack.admin.inject({ url: '/audit/export?actor=jay&format=jsonl' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = response.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.request_id)).toEqual(['jay-00002', 'jay-00001', 'jay-00000']);
    expect(lines[0]).toMatchObject({ actor: 'jay', outcome: 'success', reason: '=danger' });
    expect(lines[0].time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('answers an unknown format, a bad filter or an outage with an error page, not a file', async () => {
    const bad = await stack.admin.inject({ url: '/audit/export?format=xlsx' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-disposition']).toBeUndefined();
    stack.controlPlane.faults.unavailable = true;
    try {
      const down = await stack.admin.inject({ url: '/audit/export?format=csv' });
      expect(down.statusCode).toBe(503);
      expect(down.headers['content-disposition']).toBeUndefined();
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
  });
});
