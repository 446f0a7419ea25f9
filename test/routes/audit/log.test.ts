import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { parseHtml, textOf } from '../../dom.js';
import { type Stack, startStack } from '../../helper.js';
import { rowsOf, seedAudit, summaryOf } from './support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const errorText = (html: string) =>
  parseHtml(html).querySelector('[data-testid="error"]')?.textContent ?? '';

const page = async (url: string, headers: Record<string, string> = {}) =>
  stack.admin.inject({ url, headers });

describe('/audit', () => {
  it('is for admins only: operators and viewers get the 403 page', async () => {
    for (const role of ['operator', 'viewer'] as const) {
      const signedIn = await stack.signIn(role);
      const answer = await signedIn.inject({ url: '/audit' });
      expect(answer.statusCode).toBe(403);
      expect(answer.body).toContain('This needs the admin role');
      const download = await signedIn.inject({ url: '/audit/export?format=csv' });
      expect(download.statusCode).toBe(403);
      expect(download.headers['content-disposition']).toBeUndefined();
    }
  });

  it('shows every entry with its outcome, error, reason, linked resource and request id', async () => {
    seedAudit(stack.controlPlane, 'amy', 1, { resource: 'namespaces/amy-ns' });
    seedAudit(stack.controlPlane, 'amy', 1, {
      resource: 'clientConfigurations/cfg',
      requestId: 'amy-cfg-1',
    });
    seedAudit(stack.controlPlane, 'amy', 1, { resource: 'sessions/s-9', requestId: 'amy-s-1' });
    seedAudit(stack.controlPlane, 'amy', 1, { resource: 'operations/op-1', requestId: 'amy-op-1' });
    seedAudit(stack.controlPlane, 'amy', 1, { resource: 'maintenance', requestId: 'amy-m-1' });
    seedAudit(stack.controlPlane, 'amy', 1, {
      resource: 'widgets/<b>x</b>',
      requestId: 'amy-w-1',
      outcome: 9 as AuditOutcome,
      errorCode: 'permission_denied',
      errorMessage: '<script>alert(1)</script>',
      reason: '=HYPERLINK("x")',
    });
    const answer = await page('/audit?actor=amy');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.body).not.toContain('<script>alert(1)');
    const rows = rowsOf(answer.body);
    expect(rows.map((r) => [r.resource, r.resourceHref])).toEqual([
      ['widgets/<b>x</b>', undefined],
      ['maintenance', '/operations/maintenance'],
      ['operations/op-1', '/operations/op-1'],
      ['sessions/s-9', '/sessions/s-9'],
      ['clientConfigurations/cfg', '/client-configurations/cfg'],
      ['namespaces/amy-ns', '/namespaces/amy-ns'],
    ]);
    expect(rows[0]).toMatchObject({
      outcome: 'Unknown (9)',
      error: 'permission_denied <script>alert(1)</script>',
      reason: '=HYPERLINK("x")',
      requestId: 'amy-w-1',
      requestHref: '/audit?request=amy-w-1',
    });
    expect(rows[5]?.outcome).toBe('Success');
    expect(summaryOf(answer.body).text).toBe('6 of 6 entries');
  });

  it('shows the control plane refusing (PERMISSION_DENIED) when the console let it through', async () => {
    const lax = await stack.replica({
      env: { OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=admin,prism-viewers=viewer' },
    });
    const laxOperator = await stack.signIn('operator', lax);
    // The first batch is awaited before anything is sent: the refusal is the page's status.
    const answer = await laxOperator.inject({ url: '/audit' });
    expect(answer.statusCode).toBe(403);
    expect(errorText(answer.body)).toContain('The control plane refused this for your role');
    expect(rowsOf(answer.body)).toEqual([]);
    const download = await laxOperator.inject({ url: '/audit/export?format=jsonl' });
    expect(download.statusCode).toBe(403);
    expect(download.headers['content-disposition']).toBeUndefined();
  });

  it('passes every filter to the control plane', async () => {
    seedAudit(stack.controlPlane, 'bo', 3);
    seedAudit(stack.controlPlane, 'bo', 2, {
      operation: 'DeleteNamespace',
      outcome: AuditOutcome.DENIED,
      resource: 'namespaces/other',
      namespace: 'other',
      requestId: 'bo-del',
    });
    seedAudit(
      stack.controlPlane,
      'bo',
      1,
      { requestId: 'bo-old' },
      { at: Date.now() - 30 * 86_400_000 },
    );
    const ids = async (query: string) =>
      rowsOf((await page(`/audit?actor=bo&${query}`)).body).map((r) => r.requestId);
    expect(await ids('operation=DeleteNamespace')).toEqual(['bo-del', 'bo-del']);
    expect(await ids('outcome=denied')).toEqual(['bo-del', 'bo-del']);
    expect(await ids('namespace=other')).toEqual(['bo-del', 'bo-del']);
    // In log order (the order entries were written), newest first.
    expect(await ids('resource=namespaces%2Fbo')).toEqual([
      'bo-old',
      'bo-00002',
      'bo-00001',
      'bo-00000',
    ]);
    expect(await ids('request=bo-00001')).toEqual(['bo-00001']);
    expect(await ids('range=week')).not.toContain('bo-old');
    expect(await ids('range=week')).toHaveLength(5);
    const from = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 16);
    expect(await ids(`from=${from}&to=${to}`)).toEqual(['bo-old']);
  });

  it('refuses a bad filter in the page, with the filters still offered', async () => {
    const answer = await page('/audit?outcome=maybe&from=yesterday');
    expect(answer.statusCode).toBe(400);
    const doc = parseHtml(answer.body);
    expect(textOf(doc.querySelector('[data-testid="list-problems"]'))).toContain('Unknown outcome');
    expect(textOf(doc.querySelector('[data-testid="list-problems"]'))).toContain('"from" time');
    expect(doc.querySelector('form#audit-filters')).not.toBeNull();
  });

  it('pages back by cursor across entries sharing a timestamp, keeping the filters', async () => {
    seedAudit(stack.controlPlane, 'cy', 57, {}, { perSecond: 4 });
    const seen: string[] = [];
    let url: string | undefined = '/audit?actor=cy&size=25';
    const summaries: string[] = [];
    while (url) {
      const answer = await page(url);
      seen.push(...rowsOf(answer.body).map((r) => r.requestId));
      const summary = summaryOf(answer.body);
      summaries.push(summary.text);
      if (seen.length > 25) expect(summary.newest).toBe('/audit?actor=cy&size=25');
      url = summary.older;
      if (url) expect(url).toMatch(/^\/audit\?actor=cy&before=audit-\d+&size=25$/);
    }
    expect(seen).toEqual(
      Array.from({ length: 57 }, (_, i) => `cy-${String(56 - i).padStart(5, '0')}`),
    );
    expect(summaries).toEqual([
      '25 of 57 entries',
      '25 of 32 entries from here back',
      '7 of 7 entries from here back',
    ]);
  });

  it('says when a cursor is gone (400), or nothing matches, in a whole page', async () => {
    const gone = await page('/audit?before=audit-999999');
    expect(gone.statusCode).toBe(400);
    expect(errorText(gone.body)).toContain('cannot be shown');
    expect(gone.body.trimEnd()).toMatch(/<\/html>$/);
    const none = await page('/audit?actor=nobody-here');
    expect(summaryOf(none.body).empty).toContain('No audit entries match these filters');
  });

  it('shows a control-plane outage as an error page (503), not an empty log', async () => {
    stack.controlPlane.faults.unavailable = true;
    try {
      const answer = await page('/audit');
      expect(answer.statusCode).toBe(503);
      expect(rowsOf(answer.body)).toEqual([]);
      expect(errorText(answer.body)).toMatch(/control plane/i);
      expect(answer.body.trimEnd()).toMatch(/<\/html>$/);
    } finally {
      stack.controlPlane.faults.unavailable = false;
    }
  });

  it('answers htmx with the results region and the canonical URL', async () => {
    seedAudit(stack.controlPlane, 'dee', 2);
    const answer = await page('/audit?actor=dee&operation=&outcome=', {
      'hx-request': 'true',
      'hx-target': 'audit-results',
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['hx-push-url']).toBe('/audit?actor=dee');
    expect(answer.body).not.toContain('<html');
    expect(answer.body.trim()).toMatch(/^<div id="audit-results"/);
    expect(rowsOf(answer.body)).toHaveLength(2);
    const plain = await page('/audit?actor=dee&operation=');
    expect(plain.statusCode).toBe(303);
    expect(plain.headers.location).toBe('/audit?actor=dee');
  });
});
