import { describe, expect, it } from 'vitest';
import {
  GuardedLink,
  NamespaceDetailActions,
  NewNamespaceAction,
} from '../../../components/namespaces/NamespaceActions.js';
import { trustedUrl } from '../../../src/html/url.js';
import type { Role } from '../../../src/plugins/operator.js';
import { namespaceDetail } from '../../../src/views/namespaces/detail.js';
import { permissionsFor } from '../../../src/views/permissions.js';
import { namespace, SCRIPT_PAYLOAD } from './fixtures.js';
import { byTestId, parse, textOf } from './html.js';

const detail = namespaceDetail(namespace({ name: 'orders-prod' }));

async function newAction(role: Role) {
  return parse(await (<NewNamespaceAction can={permissionsFor(role)} />));
}

async function detailActions(role: Role) {
  return parse(await (<NamespaceDetailActions detail={detail} can={permissionsFor(role)} />));
}

describe('namespace actions for an admin', () => {
  it('links to the create form', async () => {
    const link = byTestId(await newAction('admin'), 'new-namespace')[0];
    expect(link?.tagName).toBe('A');
    expect(link?.getAttribute('href')).toBe('/namespaces/new');
    expect(textOf(link)).toBe('New namespace');
  });

  it('links to edit and delete, with no role hint', async () => {
    const doc = await detailActions('admin');
    expect(byTestId(doc, 'edit-namespace')[0]?.getAttribute('href')).toBe(
      '/namespaces/orders-prod/edit',
    );
    expect(byTestId(doc, 'delete-namespace')[0]?.getAttribute('href')).toBe(
      '/namespaces/orders-prod/delete',
    );
    expect(doc.querySelector('button')).toBeNull();
    expect(byTestId(doc, 'needs-role')).toHaveLength(0);
  });
});

describe.each<Role>(['viewer', 'operator'])('namespace actions for a %s', (role) => {
  /** The action as a disabled button that says which role it needs. */
  function expectDisabled(doc: ReturnType<typeof parse>, testId: string, label: string) {
    const button = byTestId(doc, testId)[0];
    expect(button?.tagName, testId).toBe('BUTTON');
    expect(button?.getAttribute('type')).toBe('button');
    expect(button?.hasAttribute('disabled')).toBe(true);
    expect(button?.getAttribute('aria-disabled')).toBe('true');
    expect(button?.getAttribute('title')).toBe('Needs the admin role');
    expect(textOf(button)).toBe(label);
    const hint = doc.getElementById(button?.getAttribute('aria-describedby') ?? '');
    expect(textOf(hint)).toBe('needs admin');
  }

  it('shows "New namespace" disabled, needing admin', async () => {
    const doc = await newAction(role);
    expectDisabled(doc, 'new-namespace', 'New namespace');
    expect(doc.querySelector('a')).toBeNull();
  });

  it('shows Edit and Delete disabled, needing admin; Drain for operators only', async () => {
    const doc = await detailActions(role);
    expectDisabled(doc, 'edit-namespace', 'Edit');
    expectDisabled(doc, 'delete-namespace', 'Delete');
    const drain = byTestId(doc, 'drain-namespace')[0];
    if (role === 'operator') {
      expect(drain?.getAttribute('href')).toBe('/operations/drain?namespace=orders-prod');
      expect(doc.querySelectorAll('a')).toHaveLength(1);
    } else {
      expect(drain?.tagName).toBe('BUTTON');
      expect(drain?.getAttribute('data-needs')).toBe('operator');
      expect(doc.querySelector('a')).toBeNull();
    }
    // Several hints on one page: their ids must not collide.
    const ids = byTestId(doc, 'needs-role').map((hint) => hint.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(role === 'operator' ? 2 : 3);
  });
});

describe('GuardedLink', () => {
  it('escapes its label, allowed or not', async () => {
    for (const allowed of [true, false]) {
      const doc = parse(
        await (
          <GuardedLink
            href={trustedUrl('/x')}
            label={SCRIPT_PAYLOAD}
            permission={{ allowed, needs: 'admin' }}
            look="primary"
            testId="x"
          />
        ),
      );
      expect(doc.querySelector('script')).toBeNull();
      expect(textOf(byTestId(doc, 'x')[0])).toBe(SCRIPT_PAYLOAD);
    }
  });
});
