import { Writable } from 'node:stream';
import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { byTestId, textOf } from '../../components/namespaces/html.js';
import { directClient } from '../../grpc.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { type Fields, getPage, htmx, hxLocation, openForm, postForm } from './support.js';

/*
 * Every namespace mutation, as every role: refused at the console for viewers and operators
 * (403, nothing sent to the control plane), allowed for admins — and, with the console
 * bypassed, refused by the control plane itself with each operator's own token, and audited.
 */

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
const who = (role: 'viewer' | 'operator') => (role === 'viewer' ? viewer : operator);

/** What the control plane holds that a mutation would change: namespaces and the audit log. */
function controlPlaneSnapshot() {
  return {
    namespaces: [...state().namespaces.values()].map(
      (ns) => `${ns.name}@${ns.version}:${ns.description}:${ns.status}`,
    ),
    auditLength: state().auditLog.length,
    lastAudit: state().auditLog.at(-1)?.id,
  };
}

type Variant = 'plain' | 'htmx';

interface MutationRoute {
  name: string;
  method: 'GET' | 'POST';
  url: string;
  /** The element htmx asks for on this route. */
  target: string;
  /** A complete, valid form as an admin would send it (GET routes send none). */
  fields?: (as: SignedIn) => Promise<Fields>;
}

/** A namespace every refused request aims at; it must come out unchanged. */
const TARGET = 'orders-prod';

const withCsrf = (fields: Fields, as: SignedIn): Fields => ({ ...fields, _csrf: as.csrfToken });

/** Valid forms, filled from the admin's form pages, so only the role can be why they fail. */
const forms = {
  create: async (as: SignedIn, name: string) =>
    withCsrf(
      {
        ...(await openForm(stack.admin, '/namespaces/new')),
        name,
        description: 'Made in the roles test',
        reason: 'Roles test',
      },
      as,
    ),
  update: async (as: SignedIn, name: string) =>
    withCsrf(
      {
        ...(await openForm(stack.admin, `/namespaces/${name}/edit`)),
        description: `Changed by ${as.username}`,
        status: 'suspended',
        reason: 'Roles test',
      },
      as,
    ),
  delete: async (as: SignedIn, name: string) =>
    withCsrf(
      {
        ...(await openForm(stack.admin, `/namespaces/${name}/delete`)),
        confirm: name,
        reason: 'Roles test',
      },
      as,
    ),
};

const routes: MutationRoute[] = [
  { name: 'new namespace form', method: 'GET', url: '/namespaces/new', target: 'namespace-form' },
  {
    name: 'create',
    method: 'POST',
    url: '/namespaces',
    target: 'namespace-form',
    fields: (as) => forms.create(as, `made-by-${as.username}`),
  },
  {
    name: 'edit form',
    method: 'GET',
    url: `/namespaces/${TARGET}/edit`,
    target: 'namespace-form',
  },
  {
    name: 'update',
    method: 'POST',
    url: `/namespaces/${TARGET}`,
    target: 'namespace-form',
    fields: (as) => forms.update(as, TARGET),
  },
  {
    name: 'delete confirmation',
    method: 'GET',
    url: `/namespaces/${TARGET}/delete`,
    target: 'delete-namespace-form',
  },
  {
    name: 'delete',
    method: 'POST',
    url: `/namespaces/${TARGET}/delete`,
    target: 'delete-namespace-form',
    fields: (as) => forms.delete(as, TARGET),
  },
];

async function send(as: SignedIn, route: MutationRoute, variant: Variant) {
  const headers = variant === 'htmx' ? htmx(route.target) : {};
  if (route.method === 'GET') return getPage(as, route.url, headers);
  return postForm(as, route.url, (await route.fields?.(as)) ?? {}, headers);
}

const cases = (['viewer', 'operator'] as const).flatMap((role) =>
  routes.flatMap((route) =>
    (['plain', 'htmx'] as const).map((variant) => ({ role, route, variant })),
  ),
);

describe('the console refuses viewers and operators', () => {
  it.each(cases)(
    '$role: $route.method $route.url ($route.name, $variant) → 403, control plane untouched',
    async ({ role, route, variant }) => {
      const before = controlPlaneSnapshot();
      const { response, doc } = await send(who(role), route, variant);

      expect(response.statusCode).toBe(403);
      const error = byTestId(doc, 'error')[0];
      expect(textOf(error)).toContain('Not allowed');
      expect(textOf(error)).toContain(`This needs the admin role; you are signed in as ${role}.`);
      if (variant === 'htmx') {
        // A fragment for the page's alert region, not a page inside the form.
        expect(response.headers['hx-retarget']).toBe('#alerts');
        expect(response.body).not.toContain('<html');
      } else {
        expect(doc.querySelector('main#main')).not.toBeNull();
      }
      // No form to fill in was handed out.
      expect(doc.querySelector('form#namespace-form, form#delete-namespace-form')).toBeNull();
      expect(controlPlaneSnapshot()).toEqual(before);
    },
  );
});

describe('the console lets admins', () => {
  it.each(['plain', 'htmx'] as const)('open every form page (%s)', async (variant) => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const headers = variant === 'htmx' ? htmx(route.target) : {};
      const { response, doc } = await getPage(stack.admin, route.url, headers);
      expect(response.statusCode, route.url).toBe(200);
      expect(doc.querySelector(`form#${route.target}`), route.url).not.toBeNull();
    }
  });

  it.each(['plain', 'htmx'] as const)('create, update and delete (%s)', async (variant) => {
    const headers = variant === 'htmx' ? htmx('namespace-form') : {};
    const where = (response: Awaited<ReturnType<typeof postForm>>['response']) =>
      variant === 'htmx' ? hxLocation(response) : response.headers.location;
    const name = `admin-made-${variant}`;

    const created = await postForm(
      stack.admin,
      '/namespaces',
      await forms.create(stack.admin, name),
      headers,
    );
    expect(created.response.statusCode).toBe(variant === 'htmx' ? 200 : 303);
    expect(where(created.response)).toMatch(
      new RegExp(`^/namespaces/${name}\\?notice=created&request=[\\w.:-]+$`),
    );
    expect(state().namespaces.has(name)).toBe(true);

    const updated = await postForm(
      stack.admin,
      `/namespaces/${name}`,
      await forms.update(stack.admin, name),
      headers,
    );
    expect(where(updated.response)).toMatch(
      new RegExp(`^/namespaces/${name}\\?notice=updated&request=[\\w.:-]+$`),
    );
    expect(state().namespaces.get(name)?.status).toBe(NamespaceStatus.SUSPENDED);

    const deleted = await postForm(
      stack.admin,
      `/namespaces/${name}/delete`,
      await forms.delete(stack.admin, name),
      variant === 'htmx' ? htmx('delete-namespace-form') : {},
    );
    expect(where(deleted.response)).toMatch(/^\/namespaces\?notice=deleted&request=[\w.:-]+$/);
    expect(state().namespaces.has(name)).toBe(false);
  });
});

describe('pages show what the role allows', () => {
  it.each(['viewer', 'operator'] as const)(
    '%s: New namespace, Edit and Delete are disabled and say they need admin',
    async (role) => {
      const list = await getPage(who(role), '/namespaces');
      const detail = await getPage(who(role), `/namespaces/${TARGET}`);
      expect(list.response.statusCode).toBe(200);
      expect(detail.response.statusCode).toBe(200);
      for (const [doc, testId] of [
        [list.doc, 'new-namespace'],
        [detail.doc, 'edit-namespace'],
        [detail.doc, 'delete-namespace'],
      ] as const) {
        const action = byTestId(doc, testId)[0];
        expect(action?.tagName, testId).toBe('BUTTON');
        expect(action?.hasAttribute('disabled'), testId).toBe(true);
        expect(action?.getAttribute('title'), testId).toBe('Needs the admin role');
      }
      expect(textOf(detail.doc.querySelector('header'))).toContain('needs admin');
      expect(list.doc.querySelector('a[href="/namespaces/new"]')).toBeNull();
      expect(detail.doc.querySelector(`a[href="/namespaces/${TARGET}/edit"]`)).toBeNull();
    },
  );

  it('admin: they are links', async () => {
    const list = await getPage(stack.admin, '/namespaces');
    const detail = await getPage(stack.admin, `/namespaces/${TARGET}`);
    expect(byTestId(list.doc, 'new-namespace')[0]?.getAttribute('href')).toBe('/namespaces/new');
    expect(byTestId(detail.doc, 'edit-namespace')[0]?.getAttribute('href')).toBe(
      `/namespaces/${TARGET}/edit`,
    );
    expect(byTestId(detail.doc, 'delete-namespace')[0]?.getAttribute('href')).toBe(
      `/namespaces/${TARGET}/delete`,
    );
    expect(byTestId(detail.doc, 'needs-role')).toHaveLength(0);
  });
});

describe('a refusal is logged', () => {
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await buildApp({ config: stack.app.config, logger: { level: 'warn', stream } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('with the operator, their role, the route and the role it needs', async () => {
    const signedIn = await stack.signIn('operator', app);
    const response = await signedIn.inject({
      method: 'POST',
      url: `/namespaces/${TARGET}/delete`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(await forms.delete(signedIn, TARGET)).toString(),
    });
    expect(response.statusCode).toBe(403);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        operator: 'operator',
        role: 'operator',
        route: 'POST /namespaces/:name/delete',
        action: 'deleteNamespace',
        needed: 'admin',
      }),
    );
  });
});

describe('with the console bypassed, the control plane refuses and audits', () => {
  let counter = 0;
  const requestId = (what: string) => `roles-${what}-${++counter}`;

  /** Each mutation as the control plane receives it, with a fresh request id. */
  function calls(client: ReturnType<typeof directClient>) {
    const current = () => state().namespaces.get(TARGET);
    return {
      CreateNamespace: (id: string) =>
        client.createNamespace({
          namespace: { name: 'direct-made', description: 'bypassing the console' },
          requestId: id,
          reason: 'direct call',
        }),
      UpdateNamespace: (id: string) =>
        client.updateNamespace({
          namespace: { name: TARGET, description: 'changed directly', version: current()?.version },
          updateMask: { paths: ['description'] },
          requestId: id,
          reason: 'direct call',
        }),
      DeleteNamespace: (id: string) =>
        client.deleteNamespace({
          name: TARGET,
          version: current()?.version ?? 0n,
          requestId: id,
          reason: 'direct call',
        }),
    };
  }

  const directCases = (['viewer', 'operator'] as const).flatMap((role) =>
    (['CreateNamespace', 'UpdateNamespace', 'DeleteNamespace'] as const).map((operation) => ({
      role,
      operation,
    })),
  );

  it.each(directCases)(
    '$role: $operation → PERMISSION_DENIED, audited as DENIED with their name',
    async ({ role, operation }) => {
      const signedIn = who(role);
      const before = controlPlaneSnapshot().namespaces;
      const id = requestId(operation);
      const call = calls(directClient(stack.controlPlane.url, signedIn.accessToken))[operation];
      const refused = await call(id).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(ConnectError);
      expect((refused as ConnectError).code).toBe(Code.PermissionDenied);
      expect(controlPlaneSnapshot().namespaces).toEqual(before);

      expect(state().auditEntriesForRequest(id)).toEqual([
        expect.objectContaining({ actor: role, operation, outcome: AuditOutcome.DENIED }),
      ]);
      // And as an admin reads it through the API.
      const admin = directClient(stack.controlPlane.url, stack.admin.accessToken);
      const entries = [];
      for await (const batch of admin.getAuditLog({ actor: role, operation, limit: 1000 })) {
        entries.push(...batch.entries);
      }
      expect(entries.find((entry) => entry.requestId === id)).toMatchObject({
        actor: role,
        outcome: AuditOutcome.DENIED,
        errorCode: 'permission_denied',
      });
    },
  );

  it('admin: the same calls go through (the refusals above are about the role)', async () => {
    const admin = calls(directClient(stack.controlPlane.url, stack.admin.accessToken));
    await admin.CreateNamespace(requestId('admin-create'));
    expect(state().namespaces.has('direct-made')).toBe(true);
    const id = requestId('admin-update');
    await admin.UpdateNamespace(id);
    expect(state().namespaces.get(TARGET)?.description).toBe('changed directly');
    expect(state().auditEntriesForRequest(id)[0]).toMatchObject({
      actor: 'admin',
      outcome: AuditOutcome.SUCCESS,
    });
  });
});
