import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../components/namespaces/html.js';
import { parseHtml, textOf } from '../../dom.js';
import { type Stack, startStack } from '../../helper.js';
import { busySession, fill, send } from '../client-sessions/support.js';
import { openForm, postForm } from '../namespaces/support.js';
import { rowsOf } from './support.js';

/*
 * Every change the console can send today, made through the console, is found in /audit by the
 * request id its confirmation shows, with the reason typed.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** The request id in a confirmation's address, and the page's receipt link to its entry. */
async function receiptOf(location: string | undefined) {
  const requestId = new URL(location ?? '', 'http://x').searchParams.get('request') ?? '';
  expect(requestId).toMatch(/^[\w.:-]{8,}$/);
  const doc = parseHtml((await stack.admin.inject({ url: location ?? '' })).body);
  const receipt = doc.querySelector('[data-testid="notice"] [data-testid="request-receipt"]');
  expect(textOf(receipt)).toContain(requestId);
  expect(receipt?.querySelector('a')?.getAttribute('href')).toBe(
    `/audit?request=${encodeURIComponent(requestId)}`,
  );
  return requestId;
}

async function audited(requestId: string) {
  const answer = await stack.admin.inject({
    url: `/audit?request=${encodeURIComponent(requestId)}`,
  });
  expect(answer.statusCode).toBe(200);
  return rowsOf(answer.body);
}

describe('receipts and the audit trail', () => {
  it('namespace create, edit and delete: each confirmation leads to its audit entry', async () => {
    const name = `trail-${Date.now() % 100000}`;
    const created = await postForm(stack.admin, '/namespaces', {
      ...(await openForm(stack.admin, '/namespaces/new')),
      name,
      reason: 'Trail: create',
    });
    expect(created.response.statusCode).toBe(303);
    const createId = await receiptOf(created.response.headers.location);
    expect(await audited(createId)).toMatchObject([
      { operation: 'CreateNamespace', reason: 'Trail: create', outcome: 'Success' },
    ]);

    const updated = await postForm(stack.admin, `/namespaces/${name}`, {
      ...(await openForm(stack.admin, `/namespaces/${name}/edit`)),
      description: 'changed',
      reason: 'Trail: edit',
    });
    const updateId = await receiptOf(updated.response.headers.location);
    expect(await audited(updateId)).toMatchObject([
      { operation: 'UpdateNamespace', reason: 'Trail: edit', resource: `namespaces/${name}` },
    ]);

    // The detail page links to the namespace's trail (admins only).
    const detail = parseHtml((await stack.admin.inject({ url: `/namespaces/${name}` })).body);
    const trail = [...detail.querySelectorAll('[data-testid="audit-trail"] a')].map((a) =>
      a.getAttribute('href'),
    );
    expect(trail).toEqual([
      `/audit?resource=${encodeURIComponent(`namespaces/${name}`)}`,
      `/audit?namespace=${name}`,
    ]);
    const operator = await stack.signIn('operator');
    const seenByOperator = await operator.inject({ url: `/namespaces/${name}` });
    expect(seenByOperator.body).not.toContain('data-testid="audit-trail"');
    const trailPage = await stack.admin.inject({ url: trail[0] ?? '' });
    expect(rowsOf(trailPage.body).map((r) => r.reason)).toEqual(['Trail: edit', 'Trail: create']);

    const deleted = await postForm(stack.admin, `/namespaces/${name}/delete`, {
      ...(await openForm(stack.admin, `/namespaces/${name}/delete`)),
      reason: 'Trail: delete',
      confirm: name,
    });
    expect(deleted.response.headers.location).toMatch(/^\/namespaces\?notice=deleted&request=/);
    const deleteId = await receiptOf(deleted.response.headers.location);
    expect(await audited(deleteId)).toMatchObject([
      { operation: 'DeleteNamespace', reason: 'Trail: delete', outcome: 'Success' },
    ]);
  });

  it('session terminate and bulk terminate: each session’s change is in the audit log', async () => {
    const session = busySession(stack);
    const form = parse(
      (await stack.admin.inject({ url: `/sessions/${session.id}/terminate` })).body,
    );
    const answer = await send(
      stack.admin,
      fill(form, 'form[aria-label="Terminate client session"]', {
        values: { Reason: 'Trail: terminate', 'Session id': session.id },
      }),
    );
    expect(answer.statusCode).toBe(303);
    const terminateId = await receiptOf(answer.headers.location);
    expect(await audited(terminateId)).toMatchObject([
      {
        operation: 'TerminateClientSession',
        reason: 'Trail: terminate',
        resource: `sessions/${session.id}`,
        resourceHref: `/sessions/${session.id}`,
      },
    ]);
    const detail = parseHtml((await stack.admin.inject({ url: `/sessions/${session.id}` })).body);
    expect(detail.querySelector('[data-testid="audit-trail"] a')?.getAttribute('href')).toBe(
      `/audit?resource=${encodeURIComponent(`sessions/${session.id}`)}`,
    );

    const list = parse(
      (await stack.admin.inject({ url: '/sessions?namespace=orders-prod&status=active&size=5' }))
        .body,
    );
    const ids = [...list.querySelectorAll('form#session-selection input[type="checkbox"]')]
      .map((box) => box.getAttribute('value') ?? '')
      .filter((id) => id !== session.id)
      .slice(0, 2);
    expect(ids).toHaveLength(2);
    const confirm = parse(
      (await send(stack.admin, fill(list, 'form#session-selection', { tick: ids }))).body,
    );
    const results = await send(
      stack.admin,
      fill(confirm, 'form#bulk-terminate-form', {
        values: { Reason: 'Trail: bulk', 'Number of sessions': '2' },
      }),
    );
    expect(results.statusCode).toBe(200);
    const doc = parseHtml(results.body);
    for (const id of ids) {
      const row = doc.querySelector(`[data-testid="bulk-outcome"][data-id="${id}"]`);
      const receipt = row?.querySelector('[data-testid="request-receipt"]');
      const requestId = textOf(receipt?.querySelector('code'));
      expect(requestId).toMatch(new RegExp(`:${id}$`));
      expect(receipt?.querySelector('a')?.getAttribute('href')).toBe(
        `/audit?request=${encodeURIComponent(requestId)}`,
      );
      expect(await audited(requestId)).toMatchObject([
        { operation: 'TerminateClientSession', reason: 'Trail: bulk', resource: `sessions/${id}` },
      ]);
    }
  });
});
