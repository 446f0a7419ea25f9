import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditStreamHooks } from '../../../src/dev/control-plane/service/audit-and-watch.js';
import { listen, type Stack, startStack } from '../../helper.js';
import { rowsOf, seedAudit, summaryOf } from './support.js';

let stack: Stack;
let baseUrl: string;
beforeAll(async () => {
  // The tests hold the control plane's stream while they read the first rows, however long a
  // busy machine takes: no deadline of the page's read (2 s in tests) may cut it meanwhile.
  stack = await startStack({ env: { CONTROL_PLANE_TIMEOUT_MS: '60000' } });
  baseUrl = await listen(stack.app);
});
afterAll(async () => {
  auditStreamHooks.delete(stack.controlPlane.state);
  await stack?.close();
});

it('writes the first rows while the control plane still holds the rest of the stream', async () => {
  seedAudit(stack.controlPlane, 'rita', 300);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let batchesSent = 0;
  auditStreamHooks.set(stack.controlPlane.state, {
    beforeBatch: async (index) => {
      // The second batch waits until the test has seen the first one in the page.
      if (index === 1) await held;
      batchesSent = index + 1;
    },
  });
  const response = await fetch(`${baseUrl}/audit?actor=rita&size=300`, {
    headers: { cookie: stack.admin.cookie },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = '';
  // Read until the first batch's rows are there — the control plane has not sent the second.
  while (rowsOf(`${received}</tbody></table>`).length < 100) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the page ended before the first rows');
    received += decoder.decode(value, { stream: true });
  }
  expect(batchesSent).toBe(1);
  expect(received).toContain('<h1');
  expect(received).toContain('id="audit-filters"');
  expect(received).not.toContain('</html>');
  expect(received).not.toContain('data-testid="audit-summary"');
  release();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    received += decoder.decode(value, { stream: true });
  }
  expect(rowsOf(received)).toHaveLength(300);
  expect(summaryOf(received).text).toBe('300 of 300 entries');
  expect(received.trimEnd()).toMatch(/<\/html>$/);
});

it.each(['br', 'gzip'] as const)(
  'streams the same way compressed (%s): each batch flushed as it is written',
  async (encoding) => {
    const actor = `rhea-${encoding}`;
    seedAudit(stack.controlPlane, actor, 300);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let batchesSent = 0;
    auditStreamHooks.set(stack.controlPlane.state, {
      beforeBatch: async (index) => {
        if (index === 1) await held;
        batchesSent = index + 1;
      },
    });
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(`${baseUrl}/audit?actor=${actor}&size=300`, {
          headers: { cookie: stack.admin.cookie, 'accept-encoding': encoding },
        });
        req.once('error', reject);
        req.once('response', resolve);
        req.end();
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      // Decoded as a browser does, chunk by chunk as the bytes arrive.
      const decoded = response.pipe(encoding === 'br' ? createBrotliDecompress() : createGunzip());
      decoded.setEncoding('utf8');
      const chunks = decoded[Symbol.asyncIterator]();
      let received = '';
      while (rowsOf(`${received}</tbody></table>`).length < 100) {
        const { value, done } = await chunks.next();
        if (done) throw new Error('the page ended before the first rows');
        received += value;
      }
      expect(batchesSent).toBe(1);
      expect(received).not.toContain('</html>');
      release();
      for (;;) {
        const { value, done } = await chunks.next();
        if (done) break;
        received += value;
      }
      expect(rowsOf(received)).toHaveLength(300);
      expect(summaryOf(received).text).toBe('300 of 300 entries');
      expect(received.trimEnd()).toMatch(/<\/html>$/);
    } finally {
      release();
      auditStreamHooks.delete(stack.controlPlane.state);
    }
  },
);

it('shows a failure part-way as an error row, the rows before it kept, the page whole', async () => {
  seedAudit(stack.controlPlane, 'sam', 250);
  auditStreamHooks.set(stack.controlPlane.state, {
    beforeBatch: async (index) => {
      if (index === 2) throw new ConnectError('leader lost', Code.Unavailable);
    },
  });
  try {
    const answer = await stack.admin.inject({ url: '/audit?actor=sam&size=250' });
    expect(answer.statusCode).toBe(200);
    expect(rowsOf(answer.body)).toHaveLength(200);
    const summary = summaryOf(answer.body);
    // Not "could not reach": it answered, then broke off; its own words are kept.
    expect(summary.error).toContain('The log broke off after 200 entries');
    expect(summary.error).toContain('leader lost');
    expect(summary.text).toBe('200 entries shown');
    expect(summary.older).toBeUndefined();
    expect(answer.body.trimEnd()).toMatch(/<\/html>$/);
  } finally {
    auditStreamHooks.delete(stack.controlPlane.state);
  }
});

it('cuts an export short when the stream fails part-way: no file passes for complete', async () => {
  seedAudit(stack.controlPlane, 'tom', 250);
  auditStreamHooks.set(stack.controlPlane.state, {
    beforeBatch: async (index) => {
      if (index === 1) throw new ConnectError('leader lost', Code.Unavailable);
    },
  });
  try {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(`${baseUrl}/audit/export?actor=tom&format=jsonl`, {
        headers: { cookie: stack.admin.cookie },
      });
      req.once('error', () => resolve('request error'));
      req.once('response', (response) => {
        expect(response.statusCode).toBe(200);
        response.resume();
        response.once('aborted', () => resolve('aborted'));
        response.once('error', () => resolve('aborted'));
        response.once('end', () => resolve(response.complete ? 'complete' : 'aborted'));
      });
      req.end();
    });
    expect(outcome).toBe('aborted');
  } finally {
    auditStreamHooks.delete(stack.controlPlane.state);
  }
});
