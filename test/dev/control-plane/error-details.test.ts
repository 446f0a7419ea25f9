import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestSchema,
  ErrorInfoSchema,
  PreconditionFailureSchema,
  ResourceInfoSchema,
  RetryInfoSchema,
} from '../../../src/gen/google/rpc/error_details_pb.js';
import { expectCode, failure, type Harness, rid, startHarness } from './harness.js';

/** The demo control plane attaches the standard google.rpc details a grpc-go server sends. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('standard error details', () => {
  it('INVALID_ARGUMENT carries google.rpc.BadRequest', async () => {
    const err = await failure(
      h.client.createNamespace({ namespace: { name: 'X' }, requestId: rid(), reason: '' }),
    );
    expectCode(err, Code.InvalidArgument);
    const [badRequest] = err.findDetails(BadRequestSchema);
    expect(badRequest?.fieldViolations.map((v) => v.field).sort()).toEqual([
      'namespace.name',
      'reason',
    ]);
    // On the wire under its standard type URL.
    expect(err.details.map((d) => ('type' in d ? d.type : d.desc.typeName))).toContain(
      'google.rpc.BadRequest',
    );
  });

  it('NOT_FOUND carries google.rpc.ResourceInfo', async () => {
    const err = await failure(h.client.getNamespace({ name: 'no-such-space' }));
    expectCode(err, Code.NotFound);
    expect(err.findDetails(ResourceInfoSchema)[0]).toMatchObject({
      resourceType: 'prism.admin.v1.Namespace',
      resourceName: 'no-such-space',
    });
  });

  it('a stale version is FAILED_PRECONDITION with PreconditionFailure VERSION and ErrorInfo', async () => {
    const { namespace } = await h.client.getNamespace({ name: 'orders-prod' });
    const err = await failure(
      h.client.updateNamespace({
        namespace: { name: 'orders-prod', version: (namespace?.version ?? 0n) + 7n },
        requestId: rid(),
        reason: 'stale on purpose',
      }),
    );
    expectCode(err, Code.FailedPrecondition);
    expect(err.findDetails(PreconditionFailureSchema)[0]?.violations[0]).toMatchObject({
      type: 'VERSION',
      subject: 'prism.admin.v1.Namespace/orders-prod',
    });
    expect(err.findDetails(ErrorInfoSchema)[0]?.reason).toBe('STALE_VERSION');
  });

  it('the rate-limit fault is RESOURCE_EXHAUSTED with RetryInfo', async () => {
    h.cp.faults.rateLimitRetryMs = 2_500;
    try {
      const err = await failure(h.client.listNamespaces({}));
      expectCode(err, Code.ResourceExhausted);
      const delay = err.findDetails(RetryInfoSchema)[0]?.retryDelay;
      expect(delay).toMatchObject({ seconds: 2n, nanos: 500_000_000 });
    } finally {
      h.cp.faults.rateLimitRetryMs = 0;
    }
  });

  it('the not-leader fault is UNAVAILABLE with ErrorInfo NOT_LEADER', async () => {
    h.cp.faults.notLeader = true;
    try {
      const err = await failure(h.client.listNamespaces({}));
      expectCode(err, Code.Unavailable);
      expect(err.findDetails(ErrorInfoSchema)[0]?.reason).toBe('NOT_LEADER');
    } finally {
      h.cp.faults.notLeader = false;
    }
  });
});
