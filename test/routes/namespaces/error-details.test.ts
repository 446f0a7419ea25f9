import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { type Stack, startStack } from '../../helper.js';
import { formFields, getPage, openForm, postForm } from './support.js';

/*
 * The demo control plane's standard error details (RetryInfo, ErrorInfo NOT_LEADER) on the
 * pages an operator sees — the same answers as against a grpc-go control plane
 * (test/conformance/console.test.ts).
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('with the demo control plane', () => {
  it('rate limited: 429 with Retry-After and its words, on a page and on a form', async () => {
    const fields = {
      ...(await openForm(stack.admin, '/namespaces/new')),
      name: 'rate-limited',
      reason: 'busy',
    };
    stack.controlPlane.faults.rateLimitRetryMs = 1_200;
    try {
      const page = await getPage(stack.admin, '/namespaces');
      expect(page.response.statusCode).toBe(429);
      expect(page.response.headers['retry-after']).toBe('2');
      expect(textOf(byTestId(page.doc, 'error')[0])).toContain('the rate limit is reached');

      const form = await postForm(stack.admin, '/namespaces', fields);
      expect(form.response.statusCode).toBe(429);
      expect(form.response.headers['retry-after']).toBe('2');
      expect(textOf(byTestId(form.doc, 'error-summary')[0])).toContain('the rate limit is reached');
      expect(formFields(form.doc)).toMatchObject({ name: 'rate-limited', reason: 'busy' });
    } finally {
      stack.controlPlane.faults.rateLimitRetryMs = 0;
    }
    expect(stack.controlPlane.state.namespaces.has('rate-limited')).toBe(false);
  });

  it('not the leader: the page says so (after the read retries)', async () => {
    stack.controlPlane.faults.notLeader = true;
    try {
      const { response, doc } = await getPage(stack.admin, '/namespaces/orders-prod');
      expect(response.statusCode).toBe(503);
      expect(textOf(byTestId(doc, 'error')[0])).toMatch(/not the leader/);
    } finally {
      stack.controlPlane.faults.notLeader = false;
    }
  });
});
