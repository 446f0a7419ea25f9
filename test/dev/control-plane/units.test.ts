// Small pieces tested on their own, where the gRPC surface cannot reach them.

import { Code, ConnectError, createHandlerContext } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { identifyCaller } from '../../../src/dev/control-plane/identity.js';
import { MutationRunner } from '../../../src/dev/control-plane/mutations.js';
import { paginate, parsePageRequest } from '../../../src/dev/control-plane/paging.js';
import { ControlPlaneState } from '../../../src/dev/control-plane/state.js';
import { Violations } from '../../../src/dev/control-plane/validation.js';
import { AdminService } from '../../../src/gen/prism/admin/v1/admin_service_pb.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';

describe('identifyCaller', () => {
  const headers = (init: Record<string, string>) => new Headers(init);
  const jwt = (claims: object) =>
    `Bearer e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('is anonymous without token or header', () => {
    expect(identifyCaller(headers({}))).toEqual({ actor: 'anonymous' });
  });

  it('uses x-prism-actor without a token, and with a token that is not a JWT', () => {
    expect(identifyCaller(headers({ 'x-prism-actor': 'alice' }))).toEqual({ actor: 'alice' });
    expect(
      identifyCaller(headers({ authorization: 'Bearer opaque', 'x-prism-actor': 'alice' })),
    ).toEqual({ actor: 'alice' });
  });

  it('prefers the preferred_username, then the sub of a bearer JWT', () => {
    expect(
      identifyCaller(headers({ authorization: jwt({ sub: 's', preferred_username: 'p' }) })),
    ).toEqual({ actor: 'p' });
    expect(identifyCaller(headers({ authorization: jwt({ sub: 's' }) }))).toEqual({ actor: 's' });
  });
});

describe('page tokens', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it('walk forwards and backwards over a query', () => {
    const first = parsePageRequest(new Violations(), 4, '', { q: 'a' });
    const page1 = paginate(items, first);
    expect(page1).toMatchObject({ items: [0, 1, 2, 3], previousPageToken: '', totalSize: 10 });
    const page2 = paginate(
      items,
      parsePageRequest(new Violations(), 4, page1.nextPageToken, { q: 'a' }),
    );
    expect(page2.items).toEqual([4, 5, 6, 7]);
    const page3 = paginate(
      items,
      parsePageRequest(new Violations(), 4, page2.nextPageToken, { q: 'a' }),
    );
    expect(page3).toMatchObject({ items: [8, 9], nextPageToken: '' });
    const back = paginate(
      items,
      parsePageRequest(new Violations(), 4, page3.previousPageToken, { q: 'a' }),
    );
    expect(back.items).toEqual([4, 5, 6, 7]);
  });

  it('are refused for another query or when tampered with', () => {
    const token = paginate(
      items,
      parsePageRequest(new Violations(), 4, '', { q: 'a' }),
    ).nextPageToken;
    const other = new Violations();
    parsePageRequest(other, 4, token, { q: 'b' });
    expect(other.problems.map((p) => p.field)).toEqual(['page_token']);
    const forged = Buffer.from(JSON.stringify({ o: -3, q: 'x' })).toString('base64url');
    const tampered = new Violations();
    parsePageRequest(tampered, 4, forged, { q: 'a' });
    expect(tampered.problems.map((p) => p.field)).toEqual(['page_token']);
  });
});

describe('MutationRunner', () => {
  const context = () =>
    createHandlerContext({
      service: AdminService,
      method: AdminService.method.createNamespace,
      protocolName: 'grpc',
      requestMethod: 'POST',
      url: 'http://localhost/prism.admin.v1.AdminService/CreateNamespace',
    });

  it('audits a caller that cannot be identified as DENIED and does not act', async () => {
    const state = new ControlPlaneState();
    const runner = new MutationRunner(state, () => {
      throw new ConnectError('token expired', Code.Unauthenticated);
    });
    let acted = false;
    const call = runner.run(context(), {
      requestId: 'r-1',
      reason: 'why',
      resource: 'namespaces/x',
      namespace: 'x',
      apply: () => {
        acted = true;
      },
    });
    await expect(call).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(acted).toBe(false);
    expect(state.findAuditEntry('r-1')).toMatchObject({
      actor: 'anonymous',
      operation: 'CreateNamespace',
      outcome: AuditOutcome.DENIED,
      errorCode: 'unauthenticated',
    });
  });

  it('lets a retry after an internal error really try again', async () => {
    const state = new ControlPlaneState();
    const runner = new MutationRunner(state, () => ({ actor: 'a' }));
    let attempts = 0;
    const spec = {
      requestId: 'r-2',
      reason: 'why',
      resource: 'namespaces/x',
      namespace: 'x',
      apply: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('bug');
        return 'done';
      },
    };
    await expect(runner.run(context(), spec)).rejects.toMatchObject({ code: Code.Internal });
    expect(await runner.run(context(), spec)).toBe('done');
    expect(await runner.run(context(), spec)).toBe('done');
    expect(attempts).toBe(2);
  });
});
