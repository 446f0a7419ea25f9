// The control plane with `auth`: every call needs a bearer token that jose verifies (signature,
// issuer, audience, expiry); refusals say why, refused mutations are audited as DENIED, and
// the verified name is the actor.

import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code } from '@connectrpc/connect';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { collect, expectCode, failure, type Harness, rid, startHarness } from './harness.js';
import { createTestIssuer, ISSUER, type TestIssuer, USERS } from './tokens.js';

const reason = 'testing sign-in at the control plane';

let idp: TestIssuer;
let h: Harness;
beforeAll(async () => {
  idp = await createTestIssuer();
  h = await startHarness({ auth: idp.auth() });
});
afterAll(() => h.close());

/** Tries to create a namespace with these call options; returns the error and the request id. */
async function refusedCreate(headers: Record<string, string>) {
  const requestId = rid();
  const name = `refused-${requestId.slice(-6).replace(/\D/g, '')}`;
  const err = await failure(
    h.client.createNamespace({ namespace: { name }, requestId, reason }, { headers }),
  );
  expect(h.cp.state.namespaces.has(name)).toBe(false);
  return { err, entry: h.cp.state.findAuditEntry(requestId) };
}

describe('an unauthenticated caller', () => {
  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['no token', async () => ({}), /missing access token/],
    [
      'no token but an x-prism-actor header',
      async () => ({ 'x-prism-actor': 'mallory' }),
      /missing access token/,
    ],
    ['a token that is not a bearer token', async () => ({ authorization: 'Basic YTpi' }), /Bearer/],
    ['a garbage token', async () => ({ authorization: 'Bearer not.a-jwt' }), /malformed/],
    [
      'a token signed with another key',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return { authorization: `Bearer ${await idp.mint(USERS.admin, { key: privateKey })}` };
      },
      /signature does not verify/,
    ],
    [
      'a token signed with another key without a key id',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const token = await idp.mint(USERS.admin, { key: privateKey, kid: null });
        return { authorization: `Bearer ${token}` };
      },
      /signature does not verify/,
    ],
    [
      'a token whose key id the issuer does not publish',
      async () => ({ authorization: `Bearer ${await idp.mint(USERS.admin, { kid: 'other' })}` }),
      /not signed with a key of the identity provider/,
    ],
    [
      'a token with a symmetric algorithm',
      async () => {
        const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!');
        const token = await idp.mint(USERS.admin, { key: secret, alg: 'HS256' });
        return { authorization: `Bearer ${token}` };
      },
      /algorithm is not allowed/,
    ],
    [
      'a token from another issuer',
      async () => ({
        authorization: `Bearer ${await idp.mint(USERS.admin, { issuer: 'https://evil.example' })}`,
      }),
      new RegExp(`not issued by ${ISSUER}`),
    ],
    [
      'a token for another audience',
      async () => ({
        authorization: `Bearer ${await idp.mint(USERS.admin, { audience: 'another-api' })}`,
      }),
      /not for audience prism-admin/,
    ],
    [
      'an expired token',
      async () => ({
        authorization: `Bearer ${await idp.mint(USERS.admin, { expiresAt: Math.floor(Date.now() / 1000) - 60 })}`,
      }),
      /^access token expired$/,
    ],
    [
      'a token that never expires',
      async () => ({ authorization: `Bearer ${await idp.mint(USERS.admin, { expiresAt: null })}` }),
      /"exp" is missing/,
    ],
  ];

  it.each(cases)('with %s may not read', async (_, headers, message) => {
    const err = await failure(h.client.listNamespaces({}, { headers: await headers() }));
    expectCode(err, Code.Unauthenticated);
    expect(err.rawMessage).toMatch(message);
  });

  it.each(cases)(
    'with %s may not change anything, and the attempt is audited as DENIED',
    async (_, headers, message) => {
      const { err, entry } = await refusedCreate(await headers());
      expectCode(err, Code.Unauthenticated);
      expect(err.rawMessage).toMatch(message);
      expect(entry).toMatchObject({
        actor: 'anonymous',
        operation: 'CreateNamespace',
        outcome: AuditOutcome.DENIED,
        errorCode: 'unauthenticated',
        reason,
      });
      expect(entry?.errorMessage).toMatch(message);
    },
  );

  it('may not open streams either', async () => {
    expectCode(await failure(collect(h.client.watch({}))), Code.Unauthenticated);
    expectCode(await failure(collect(h.client.getAuditLog({}))), Code.Unauthenticated);
    const requestId = rid();
    const drain = h.client.drainConnections({
      target: { case: 'allNamespaces', value: true },
      requestId,
      reason,
    });
    expectCode(await failure(collect(drain)), Code.Unauthenticated);
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'anonymous',
      operation: 'DrainConnections',
      outcome: AuditOutcome.DENIED,
    });
  });
});

describe('a signed-in caller', () => {
  it('without a mapped group is refused everything, and a refused change names them', async () => {
    const options = idp.bearer(await idp.mint(USERS.nobody));
    const err = await failure(h.client.listNamespaces({}, options));
    expectCode(err, Code.PermissionDenied);
    expect(err.rawMessage).toBe(
      'nobody has no Prism role: nothing in the token\'s "groups" claim maps to one',
    );
    const { err: denied, entry } = await refusedCreate(options.headers as Record<string, string>);
    expectCode(denied, Code.PermissionDenied);
    expect(entry).toMatchObject({
      actor: 'nobody',
      outcome: AuditOutcome.DENIED,
      errorCode: 'permission_denied',
    });
  });

  it('as admin creates a namespace recorded under their preferred_username, not a header', async () => {
    const requestId = rid();
    const res = await h.client.createNamespace(
      { namespace: { name: 'made-by-ada' }, requestId, reason },
      {
        headers: { ...idp.bearer(await idp.mint(USERS.admin)).headers, 'x-prism-actor': 'mallory' },
      },
    );
    expect(res.namespace).toMatchObject({ createdBy: 'admin', updatedBy: 'admin' });
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'admin',
      operation: 'CreateNamespace',
      resource: 'namespaces/made-by-ada',
      outcome: AuditOutcome.SUCCESS,
    });
  });

  it('is named by sub when the token has no preferred_username', async () => {
    const requestId = rid();
    const token = await idp.mint({ sub: 'u-42', groups: ['prism-admins'] });
    await h.client.deleteNamespace({ name: 'made-by-ada', requestId, reason }, idp.bearer(token));
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'u-42',
      outcome: AuditOutcome.SUCCESS,
    });
  });

  it('as operator sets maintenance mode; as viewer is refused and audited by name', async () => {
    const operator = idp.bearer(await idp.mint(USERS.operator));
    const viewer = idp.bearer(await idp.mint(USERS.viewer));

    const denied = rid();
    const err = await failure(
      h.client.setMaintenanceMode(
        { enabled: true, message: 'by the viewer', requestId: denied, reason },
        viewer,
      ),
    );
    expectCode(err, Code.PermissionDenied);
    expect(err.rawMessage).toBe('viewer may not call SetMaintenanceMode; it needs operator');
    expect(h.cp.state.maintenance.enabled).toBe(false);
    expect(h.cp.state.findAuditEntry(denied)).toMatchObject({
      actor: 'viewer',
      operation: 'SetMaintenanceMode',
      resource: 'maintenance',
      outcome: AuditOutcome.DENIED,
      errorCode: 'permission_denied',
      reason,
    });

    const allowed = rid();
    const res = await h.client.setMaintenanceMode(
      { enabled: true, message: 'upgrade', requestId: allowed, reason },
      operator,
    );
    expect(res.status).toMatchObject({ enabled: true, enabledBy: 'operator' });
    expect(h.cp.state.findAuditEntry(allowed)).toMatchObject({
      actor: 'operator',
      outcome: AuditOutcome.SUCCESS,
    });
    // Viewers still read it.
    expect((await h.client.getMaintenanceStatus({}, viewer)).status?.enabled).toBe(true);
    await h.client.setMaintenanceMode({ enabled: false, requestId: rid(), reason }, operator);
  });

  it('as operator may not create a namespace, and is told which role it takes', async () => {
    const options = idp.bearer(await idp.mint(USERS.operator));
    const { err, entry } = await refusedCreate(options.headers as Record<string, string>);
    expect(err.rawMessage).toBe('operator may not call CreateNamespace; it needs admin');
    expect(entry).toMatchObject({ actor: 'operator', outcome: AuditOutcome.DENIED });
  });

  it('gets the highest role of all their mapped groups', async () => {
    const token = await idp.mint({
      sub: 'u-multi',
      preferred_username: 'multi',
      groups: ['prism-viewers', 'marketing', 'prism-admins', 'prism-operators'],
    });
    const entries = (await collect(h.client.getAuditLog({ limit: 1 }, idp.bearer(token)))).flatMap(
      (r) => r.entries,
    );
    expect(entries).toHaveLength(1);
  });

  it('cannot reuse an admin request id to get the admin outcome back', async () => {
    const requestId = rid();
    await h.client.createNamespace(
      { namespace: { name: 'retry-check' }, requestId, reason },
      idp.bearer(await idp.mint(USERS.admin)),
    );
    const err = await failure(
      h.client.createNamespace(
        { namespace: { name: 'retry-check' }, requestId, reason },
        idp.bearer(await idp.mint(USERS.viewer)),
      ),
    );
    expectCode(err, Code.PermissionDenied);
  });
});

describe('auth settings', () => {
  it('take the role from another claim through another mapping', async () => {
    const custom = await startHarness({
      auth: idp.auth({ roleClaim: 'roles', roleMapping: { 'storage-oncall': 'operator' } }),
    });
    try {
      const oncall = idp.bearer(
        await idp.mint({ sub: 'u-o', preferred_username: 'olga', roles: 'storage-oncall' }),
      );
      const status = await custom.client.setMaintenanceMode(
        { enabled: false, requestId: rid(), reason },
        oncall,
      );
      expect(status.status?.enabled).toBe(false);
      expectCode(
        await failure(
          custom.client.deleteNamespace({ name: 'x', requestId: rid(), reason }, oncall),
        ),
        Code.PermissionDenied,
      );
      // The default claim and mapping no longer count.
      const err = await failure(
        custom.client.listNamespaces({}, idp.bearer(await idp.mint(USERS.admin))),
      );
      expect(err.rawMessage).toBe(
        'admin has no Prism role: nothing in the token\'s "roles" claim maps to one',
      );
    } finally {
      await custom.close();
    }
  });

  it('keep injected faults in front of authentication', async () => {
    h.cp.faults.unavailable = true;
    try {
      expectCode(await failure(h.client.listNamespaces({})), Code.Unavailable);
    } finally {
      h.cp.faults.unavailable = false;
    }
  });
});

describe('a remote key set (jwks as a URL)', () => {
  async function serveJwks(body: () => string) {
    let fetches = 0;
    const server = http.createServer((req, res) => {
      fetches += 1;
      if (req.url !== '/jwks') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return {
      url: new URL(`http://127.0.0.1:${port}/jwks`),
      fetches: () => fetches,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('is fetched over HTTP, cached, and used to verify tokens', async () => {
    const jwks = await serveJwks(() => JSON.stringify(idp.jwks));
    const remote = await startHarness({ auth: idp.auth({ jwks: jwks.url }) });
    try {
      const admin = idp.bearer(await idp.mint(USERS.admin));
      const requestId = rid();
      await remote.client.createNamespace(
        { namespace: { name: 'via-remote-keys' }, requestId, reason },
        admin,
      );
      expect(remote.cp.state.findAuditEntry(requestId)?.actor).toBe('admin');
      const { privateKey } = await generateKeyPair('RS256');
      const forged = idp.bearer(await idp.mint(USERS.admin, { key: privateKey }));
      expectCode(await failure(remote.client.listNamespaces({}, forged)), Code.Unauthenticated);
      expect(jwks.fetches()).toBe(1);
    } finally {
      await remote.close();
      await jwks.close();
    }
  });

  it('that cannot be fetched makes calls UNAVAILABLE, not UNAUTHENTICATED', async () => {
    const jwks = await serveJwks(() => '');
    await jwks.close();
    const remote = await startHarness({ auth: idp.auth({ jwks: jwks.url }) });
    try {
      const requestId = rid();
      const err = await failure(
        remote.client.createNamespace(
          { namespace: { name: 'never' }, requestId, reason },
          idp.bearer(await idp.mint(USERS.admin)),
        ),
      );
      expectCode(err, Code.Unavailable);
      expect(err.rawMessage).toMatch(/identity provider's keys are unavailable/);
      expect(remote.cp.state.findAuditEntry(requestId)).toMatchObject({
        actor: 'anonymous',
        outcome: AuditOutcome.DENIED,
        errorCode: 'unavailable',
      });
    } finally {
      await remote.close();
    }
  });
});
