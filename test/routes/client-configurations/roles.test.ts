import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx } from '../namespaces/support.js';
import {
  type Entries,
  entryValue,
  formEntries,
  postEntries,
  withRows,
  withValues,
} from './support.js';

/* Creating as each role: refused by the console, or by the control plane when the console lets it through. */

let stack: Stack;
let viewer: SignedIn;
let operator: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
  operator = await stack.signIn('operator');
});
afterAll(async () => {
  await stack?.close();
});

const state = () => stack.controlPlane.state;
const FORM_TARGET = 'configuration-form';

async function newForm(values: Record<string, string>, rows: [string, string][]): Promise<Entries> {
  const { doc } = await getPage(stack.admin, '/client-configurations/new?namespace=orders-prod');
  return withRows(withValues(formEntries(doc), values), rows);
}

const valid = {
  name: 'orders-cache',
  pattern: 'keyvalue',
  backend: 'redis-cache',
  description: 'Hot orders',
  reason: 'Cache for the orders page',
};

describe('roles', () => {
  it.each(['viewer', 'operator'] as const)(
    '%s: the form page and the post are refused at the console; nothing reaches the control plane',
    async (role) => {
      const as = role === 'viewer' ? viewer : operator;
      const page = await getPage(as, '/client-configurations/new');
      expect(page.response.statusCode).toBe(403);
      expect(page.doc.querySelector('form#configuration-form')).toBeNull();
      const entries = withValues(await newForm({ ...valid, name: `by-${role}` }, []), {
        _csrf: as.csrfToken,
      });
      const auditBefore = state().auditLog.length;
      for (const headers of [{}, htmx(FORM_TARGET)]) {
        const { response } = await postEntries(as, '/client-configurations', entries, headers);
        expect(response.statusCode).toBe(403);
      }
      expect(state().clientConfigurations.has(`by-${role}`)).toBe(false);
      expect(state().auditLog.length).toBe(auditBefore);
    },
  );

  it('shows the control plane refusing when the console let a viewer through', async () => {
    const lax = await stack.replica({
      env: { OIDC_ROLE_MAP: 'prism-admins=admin,prism-operators=operator,prism-viewers=admin' },
    });
    const laxViewer = await stack.signIn('viewer', lax);
    const { doc: formDoc } = await getPage(laxViewer, '/client-configurations/new');
    const entries = withRows(
      withValues(formEntries(formDoc), {
        ...valid,
        name: 'by-lax-viewer',
        namespace: 'orders-prod',
      }),
      [['k', 'v']],
    );
    const { response, doc } = await postEntries(laxViewer, '/client-configurations', entries);
    expect(response.statusCode).toBe(403);
    expect(textOf(byTestId(doc, 'error-summary')[0])).toContain(
      'The control plane refused this for your role',
    );
    expect(state().clientConfigurations.has('by-lax-viewer')).toBe(false);
    expect(state().auditEntriesForRequest(entryValue(entries, 'request_id'))).toEqual([
      expect.objectContaining({ actor: 'viewer', outcome: AuditOutcome.DENIED }),
    ]);
  });
});
