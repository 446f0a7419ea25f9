import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, parse, textOf } from '../components/namespaces/html.js';
import { getPage } from '../routes/namespaces/support.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';
import { startConformanceServer } from './server.js';
import { appendAudit } from './state.js';

/*
 * The audit log page and its export against a grpc-go-like control plane: batches rendered as
 * they arrive, total_size and the before_id cursor, and a stream that fails after some batches
 * (status in trailers) shown inside the page; the export ends cleanly, or visibly not.
 */

let c: ConsoleOnConformance;
let baseUrl: string;
const BATCH = 10;

beforeAll(async () => {
  c = await consoleOnConformance({ auditBatchSize: BATCH });
  for (let i = 0; i < 30; i++) {
    appendAudit(c.server, {
      actor: i % 2 === 0 ? 'ada' : 'bob',
      operation: 'UpdateNamespace',
      resource: `namespaces/ns-${i % 3}`,
      namespace: `ns-${i % 3}`,
      outcome: i === 4 ? 'AUDIT_OUTCOME_FAILURE' : 'AUDIT_OUTCOME_SUCCESS',
      errorCode: i === 4 ? 'failed_precondition' : '',
      errorMessage: i === 4 ? 'namespace ns-1 is at version 3, not 2' : '',
      reason: i === 7 ? '=HYPERLINK("http://evil.example")' : `reason ${i}`,
      requestId: `req-${String(i).padStart(2, '0')}`,
    });
  }
  await c.app.listen({ port: 0, host: '127.0.0.1' });
  const address = c.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(() => c?.close());

const rows = (html: string) => byTestId(parse(html), 'audit-row');

describe('the audit log page', () => {
  it('renders every batch, the total at the end, and pages back with before_id', async () => {
    const { response, doc } = await getPage(c.admin, '/audit?size=25');
    expect(response.statusCode).toBe(200);
    const shown = byTestId(doc, 'audit-row');
    expect(shown).toHaveLength(25);
    expect(shown[0]?.getAttribute('data-entry')).toBe(c.server.auditLog[29]?.id);
    expect(textOf(byTestId(doc, 'audit-summary')[0])).toContain('25 of 30 entries');
    expect(c.server.lastRequest('GetAuditLog')).toMatchObject({ limit: 25, beforeId: '' });

    const older = byTestId(doc, 'audit-older')[0]?.getAttribute('href') ?? '';
    expect(older).toContain(`before=${c.server.auditLog[5]?.id}`);
    const next = await getPage(c.admin, older);
    expect(byTestId(next.doc, 'audit-row')).toHaveLength(5);
    expect(textOf(byTestId(next.doc, 'audit-summary')[0])).toContain('5 of 5 entries');
    expect(c.server.lastRequest('GetAuditLog')?.beforeId).toBe(c.server.auditLog[5]?.id);
  });

  it('sends the filters to the control plane', async () => {
    const { doc } = await getPage(
      c.admin,
      '/audit?actor=bob&outcome=failure&resource=namespaces%2Fns-1&operation=UpdateNamespace',
    );
    expect(c.server.lastRequest('GetAuditLog')).toMatchObject({
      actor: 'bob',
      outcome: 'AUDIT_OUTCOME_FAILURE',
      resource: 'namespaces/ns-1',
      operation: 'UpdateNamespace',
    });
    expect(byTestId(doc, 'audit-empty')).toHaveLength(1);
  });

  it('shows the first batch before the control plane has sent the rest', async () => {
    let release = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    c.server.scriptStream('GetAuditLog', { after: 1, until: stalled });
    const response = await fetch(`${baseUrl}/audit?size=25`, {
      headers: { cookie: c.admin.cookie },
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let html = '';
    const deadline = Date.now() + 5000;
    while (rows(html).length < BATCH && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      html += decoder.decode(value, { stream: true });
    }
    // The first batch is on screen while the stream is held after it.
    expect(rows(html)).toHaveLength(BATCH);
    expect(html).not.toContain('data-testid="audit-summary"');
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      html += decoder.decode(value, { stream: true });
    }
    expect(rows(html)).toHaveLength(25);
    expect(textOf(byTestId(parse(html), 'audit-summary')[0])).toContain('25 of 30 entries');
  });

  it('an error after the first batch shows inside the page, the rows before it kept', async () => {
    c.server.scriptStream('GetAuditLog', {
      after: 1,
      error: {
        code: status.RESOURCE_EXHAUSTED,
        message: 'too many audit log readers',
        details: [{ type: 'RetryInfo', value: { retry_delay: { seconds: 5 } } }],
      },
    });
    const { response, doc } = await getPage(c.admin, '/audit?size=25');
    expect(response.statusCode).toBe(200);
    expect(byTestId(doc, 'audit-row')).toHaveLength(BATCH);
    expect(textOf(byTestId(doc, 'audit-error')[0])).toContain('too many audit log readers');
    expect(textOf(byTestId(doc, 'audit-summary')[0])).toContain(`${BATCH} entries shown`);
    expect(byTestId(doc, 'audit-older')).toHaveLength(0);
    expect(response.body.trimEnd()).toMatch(/<\/html>$/);
  });

  it('UNAVAILABLE after the first batch: the rows kept, the outage said in the table', async () => {
    c.server.scriptStream('GetAuditLog', {
      after: 1,
      error: { code: status.UNAVAILABLE, message: 'audit store unavailable' },
    });
    const { response, doc } = await getPage(c.admin, '/audit?size=25');
    expect(response.statusCode).toBe(200);
    expect(byTestId(doc, 'audit-row')).toHaveLength(BATCH);
    // It answered, then broke off: said as such, with the control plane's own reason.
    const error = textOf(byTestId(doc, 'audit-error')[0]);
    expect(error).toContain(`The log broke off after ${BATCH} entries`);
    expect(error).toContain('audit store unavailable');
    expect(textOf(byTestId(doc, 'audit-summary')[0])).toContain(`${BATCH} entries shown`);
  });

  it('refused before any batch (trailers-only): an error page with the status and the server’s words', async () => {
    c.server.failNext('GetAuditLog', {
      code: status.PERMISSION_DENIED,
      message: 'admin role required to read the audit log',
    });
    const { response, doc } = await getPage(c.admin, '/audit');
    expect(response.statusCode).toBe(403);
    expect(byTestId(doc, 'audit-row')).toHaveLength(0);
    expect(response.body).toContain('admin role required to read the audit log');
  });
});

describe('the export', () => {
  it('CSV of the filter ends cleanly: every entry once, formula-like cells inert', async () => {
    const response = await c.admin.inject({ url: '/audit/export?format=csv&actor=bob' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(1, -1);
    expect(records).toHaveLength(15);
    const evil = records.find((line) => line.includes('req-07'));
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(c.server.lastRequest('GetAuditLog')).toMatchObject({ actor: 'bob', limit: 10_000 });
  });

  it('JSON Lines parse line by line, newest first', async () => {
    const response = await c.admin.inject({ url: '/audit/export?format=jsonl' });
    const records = response.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(records).toHaveLength(30);
    expect(records[0]).toMatchObject({ request_id: 'req-29', outcome: expect.any(String) });
    expect(records.find((r) => r.request_id === 'req-04')).toMatchObject({
      error_code: 'failed_precondition',
      error_message: 'namespace ns-1 is at version 3, not 2',
    });
  });

  it('refused before the first batch: an error page, not an empty download', async () => {
    c.server.failNext('GetAuditLog', {
      code: status.PERMISSION_DENIED,
      message: 'admin role required to read the audit log',
    });
    const response = await c.admin.inject({ url: '/audit/export?format=csv' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-disposition']).toBeUndefined();
    expect(response.body).toContain('admin role required to read the audit log');
  });

  it('a stream failing part-way never passes for a whole file: an error page, or a cut download', async () => {
    c.server.scriptStream('GetAuditLog', {
      after: 2,
      error: { code: status.UNAVAILABLE, message: 'audit store unavailable' },
    });
    // Small: depending on whether the failure arrives before the console has sent the headers,
    // an error page or a download cut short (inject rejects it) — never a 200 that ends well.
    const small = await c.admin
      .inject({ url: '/audit/export?format=jsonl' })
      .catch((err: Error) => err);
    if (small instanceof Error) expect(small.message).toMatch(/destroyed/);
    else {
      expect(small.statusCode).toBe(503);
      expect(small.headers['content-disposition']).toBeUndefined();
    }

    // Large: the download has begun; it ends without its last chunk, and the client sees it.
    for (let i = 0; i < 400; i++) {
      appendAudit(c.server, {
        actor: 'bulk',
        operation: 'TerminateClientSession',
        resource: `sessions/sess-${i}`,
        namespace: 'orders',
        outcome: 'AUDIT_OUTCOME_SUCCESS',
        reason: `bulk cleanup ${'x'.repeat(200)}`,
        requestId: `bulk-${i}`,
      });
    }
    c.server.scriptStream('GetAuditLog', {
      after: 30,
      error: { code: status.UNAVAILABLE, message: 'audit store unavailable' },
    });
    const response = await fetch(`${baseUrl}/audit/export?format=jsonl&actor=bulk`, {
      headers: { cookie: c.admin.cookie },
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});

describe('another grpc-go server’s ways', () => {
  it('total_size in a message of its own, an outcome the console does not know, 10,000 entries exported', async () => {
    const other = await startConformanceServer({ auditTotalInOwnMessage: true });
    try {
      for (let i = 0; i < 10_000; i++) {
        appendAudit(other, {
          actor: 'mass',
          operation: 'TerminateClientSession',
          resource: `sessions/sess-${i}`,
          namespace: 'orders',
          outcome: i === 9_999 ? (7 as unknown as string) : 'AUDIT_OUTCOME_SUCCESS',
          reason: i % 1000 === 0 ? '@SUM(A1:A9)' : 'bulk',
          requestId: `mass-${i}`,
        });
      }
      const replica = await c.stack.replica({ env: { CONTROL_PLANE_URL: other.url } });
      const admin = await c.stack.signIn('admin', replica);
      const { response, doc } = await getPage(admin, '/audit?size=25');
      expect(response.statusCode).toBe(200);
      const shown = byTestId(doc, 'audit-row');
      expect(shown).toHaveLength(25);
      expect(textOf(byTestId(doc, 'audit-summary')[0])).toContain('25 of 10,000 entries');
      expect(textOf(shown[0])).toContain('Unknown (7)');

      const exported = await admin.inject({ url: '/audit/export?format=csv' });
      expect(exported.statusCode).toBe(200);
      const lines = exported.body.split('\r\n').slice(1, -1);
      expect(lines).toHaveLength(10_000);
      expect(lines[0]).toContain(',unknown(7),');
      expect(lines.filter((line) => line.includes(`'@SUM(A1:A9)`))).toHaveLength(10);
      expect(other.lastRequest('GetAuditLog')).toMatchObject({ limit: 10_000 });
    } finally {
      await other.stop();
    }
  });
});
