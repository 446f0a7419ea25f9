// The console's service client: a replica signs in as itself at the demo identity provider with
// the client-credentials grant, and the demo control plane takes that token like an operator's —
// with the viewer rights its groups map to, and its client id as the actor in the audit log.

import { Code, ConnectError } from '@connectrpc/connect';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../src/gen/prism/admin/v1/audit_pb.js';
import { directClient } from '../grpc.js';
import { SERVICE_CLIENT_ID, type Stack, startStack } from '../helper.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ signInAdmin: false, accessTokenTtlSeconds: 120 });
});
afterAll(() => stack?.close());

/** openid-client as the console uses it: discovery, then the client-credentials grant. */
async function serviceToken(
  clientId: string,
  clientSecret: string,
  parameters?: Record<string, string>,
): Promise<string> {
  const config = await oidc.discovery(
    new URL(stack.identityProvider.issuer),
    clientId,
    clientSecret,
    undefined,
    { execute: [oidc.allowInsecureRequests] },
  );
  return (await oidc.clientCredentialsGrant(config, parameters)).access_token;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('the service client', () => {
  it('is in every test stack, as the console configuration', () => {
    expect(stack.serviceClient?.clientId).toBe(SERVICE_CLIENT_ID);
    expect(stack.env.SERVICE_CLIENT_ID).toBe(SERVICE_CLIENT_ID);
    expect(stack.app.config.serviceClient).toEqual(stack.serviceClient);
  });

  it('gets a JWT for the control plane naming itself, its groups and the TTL', async () => {
    const secret = stack.serviceClient?.clientSecret ?? '';
    for (const parameters of [undefined, { resource: stack.identityProvider.resource }]) {
      const claims = decodeJwt(await serviceToken(SERVICE_CLIENT_ID, secret, parameters));
      expect(claims, JSON.stringify(parameters)).toMatchObject({
        iss: stack.identityProvider.issuer,
        aud: 'prism-admin',
        sub: SERVICE_CLIENT_ID,
        client_id: SERVICE_CLIENT_ID,
        groups: ['prism-viewers'],
      });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    }
  });

  it('reads as a viewer and is refused a change, audited under its own name', async () => {
    const token = await serviceToken(SERVICE_CLIENT_ID, stack.serviceClient?.clientSecret ?? '');
    const client = directClient(stack.controlPlane.url, token);
    const { namespaces } = await client.listNamespaces({});
    expect(namespaces.length).toBeGreaterThan(0);

    const requestId = `svc-${Date.now()}`;
    const err = await refusal(
      client.createNamespace({
        namespace: { name: 'made-by-a-service' },
        requestId,
        reason: 'a read-only identity must not change anything',
      }),
    );
    expect(ConnectError.from(err).code).toBe(Code.PermissionDenied);
    expect(ConnectError.from(err).rawMessage).toMatch(/viewer may not call CreateNamespace/);
    expect(stack.controlPlane.state.namespaces.has('made-by-a-service')).toBe(false);
    expect(stack.controlPlane.state.findAuditEntry(requestId)).toMatchObject({
      actor: SERVICE_CLIENT_ID,
      outcome: AuditOutcome.DENIED,
    });
  });

  it('gets no token with a wrong secret', async () => {
    const err = await refusal(serviceToken(SERVICE_CLIENT_ID, 'not-the-secret'));
    expect(err).toBeInstanceOf(oidc.ResponseBodyError);
    expect((err as oidc.ResponseBodyError).error).toBe('invalid_client');
  });

  it('is the only client the grant is for: the sign-in client gets no token without a person', async () => {
    const err = await refusal(serviceToken(stack.clientId, stack.clientSecret));
    expect(err).toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });
});

describe('a stack started with serviceClient: false', () => {
  it('has no service client at the identity provider or in the console', async () => {
    const bare = await startStack({ signInAdmin: false, serviceClient: false });
    try {
      expect(bare.serviceClient).toBeUndefined();
      expect(bare.env.SERVICE_CLIENT_ID).toBeUndefined();
      expect(bare.app.config.serviceClient).toBeUndefined();
      const config = await oidc.discovery(
        new URL(bare.identityProvider.issuer),
        SERVICE_CLIENT_ID,
        'any-secret',
        undefined,
        { execute: [oidc.allowInsecureRequests] },
      );
      const err = await refusal(oidc.clientCredentialsGrant(config));
      expect((err as oidc.ResponseBodyError).error).toBe('invalid_client');
    } finally {
      await bare.close();
    }
  });
});
