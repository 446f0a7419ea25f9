import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { AccessPattern } from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { expectCode, failure, type Harness, rid, startHarness, violatedFields } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const reason = 'testing the control plane';

describe('CreateNamespace', () => {
  it('creates a namespace with server-set fields and records who did it', async () => {
    const requestId = rid();
    const res = await h.as('alice').createNamespace({
      namespace: {
        name: 'checkout-v2',
        description: 'New checkout',
        quota: { maxSessions: 10, maxStorageBytes: 1024n, maxRps: 5 },
        config: { retention: '7d' },
        // Output-only fields are ignored.
        version: 99n,
        createdBy: 'mallory',
        assignedProxy: 'proxy-99',
      },
      requestId,
      reason,
    });
    const ns = res.namespace;
    expect(ns).toMatchObject({
      name: 'checkout-v2',
      description: 'New checkout',
      status: NamespaceStatus.ACTIVE,
      config: { retention: '7d' },
      createdBy: 'alice',
      updatedBy: 'alice',
      version: 1n,
    });
    expect(ns?.quota).toMatchObject({ maxSessions: 10, maxStorageBytes: 1024n, maxRps: 5 });
    expect(ns?.assignedProxy).toMatch(/^proxy-[0-2]$/);
    expect(ns?.createTime).toBeDefined();
    expect(h.cp.state.namespaces.get('checkout-v2')?.description).toBe('New checkout');
    expect((await h.client.getNamespace({ name: 'checkout-v2' })).namespace?.name).toBe(
      'checkout-v2',
    );
  });

  it('keeps any text in a description, HTML included', async () => {
    const description = '<script>alert("x")</script> & <b>bold</b>';
    const res = await h.client.createNamespace({
      namespace: { name: 'html-desc', description },
      requestId: rid(),
      reason,
    });
    expect(res.namespace?.description).toBe(description);
  });

  it('refuses an existing name with ALREADY_EXISTS', async () => {
    const err = await failure(
      h.client.createNamespace({ namespace: { name: 'orders-prod' }, requestId: rid(), reason }),
    );
    expectCode(err, Code.AlreadyExists);
  });

  it('reports every invalid field at once as BadRequest field violations', async () => {
    const err = await failure(
      h.client.createNamespace({
        namespace: {
          name: 'Bad_Name',
          description: 'x'.repeat(257),
          quota: { maxSessions: -1, maxStorageBytes: -5n, maxRps: -2 },
          config: { '': 'empty key' },
        },
        requestId: rid(),
        reason: '',
      }),
    );
    expect(violatedFields(err)).toEqual([
      'namespace.config',
      'namespace.description',
      'namespace.name',
      'namespace.quota.max_rps',
      'namespace.quota.max_sessions',
      'namespace.quota.max_storage_bytes',
      'reason',
    ]);
    expect(h.cp.state.namespaces.has('Bad_Name')).toBe(false);
  });

  it.each([
    ['ab', false],
    ['abc', true],
    ['a-b', true],
    ['ab-', false],
    ['1ab', false],
    ['-ab', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['ab.c', false],
    ['ABC', false],
  ])('applies the name rule to %j (valid: %s)', async (name, valid) => {
    const call = h.client.createNamespace({ namespace: { name }, requestId: rid(), reason });
    if (valid) expect((await call).namespace?.name).toBe(name);
    else expect(violatedFields(await failure(call))).toEqual(['namespace.name']);
  });

  it('requires a request id and a reason', async () => {
    const err = await failure(
      h.client.createNamespace({ namespace: { name: 'no-request-id' }, requestId: '', reason: '' }),
    );
    expect(violatedFields(err)).toEqual(['reason', 'request_id']);
    expect(h.cp.state.namespaces.has('no-request-id')).toBe(false);
  });
});

describe('UpdateNamespace', () => {
  it('changes only the masked fields, bumps the version and records who', async () => {
    const before = h.cp.state.namespaces.get('user-profiles');
    const version = before?.version ?? 0n;
    const oldQuota = before?.quota?.maxSessions;
    const res = await h.as('bob').updateNamespace({
      namespace: {
        name: 'user-profiles',
        version,
        description: 'Updated description',
        quota: { maxSessions: 12_345 },
      },
      updateMask: { paths: ['description'] },
      requestId: rid(),
      reason,
    });
    expect(res.namespace).toMatchObject({
      description: 'Updated description',
      version: version + 1n,
      updatedBy: 'bob',
    });
    expect(res.namespace?.quota?.maxSessions).toBe(oldQuota);
  });

  it('accepts nested quota paths and camelCase paths', async () => {
    const version = h.cp.state.namespaces.get('user-sessions')?.version ?? 0n;
    const res = await h.client.updateNamespace({
      namespace: { name: 'user-sessions', version, quota: { maxSessions: 77, maxRps: 9 } },
      updateMask: create(FieldMaskSchema, { paths: ['quota.maxSessions'] }),
      requestId: rid(),
      reason,
    });
    expect(res.namespace?.quota?.maxSessions).toBe(77);
    expect(res.namespace?.quota?.maxRps).not.toBe(9);
  });

  it('with an empty mask sets description, status, quota and config', async () => {
    const version = h.cp.state.namespaces.get('presence')?.version ?? 0n;
    const res = await h.client.updateNamespace({
      namespace: {
        name: 'presence',
        version,
        description: 'all fields',
        status: NamespaceStatus.READ_ONLY,
        quota: { maxSessions: 3 },
        config: { a: 'b' },
      },
      requestId: rid(),
      reason,
    });
    expect(res.namespace).toMatchObject({
      description: 'all fields',
      status: NamespaceStatus.READ_ONLY,
      config: { a: 'b' },
    });
    expect(res.namespace?.quota?.maxSessions).toBe(3);
  });

  it('refuses a stale version with FAILED_PRECONDITION naming the current version', async () => {
    const current = h.cp.state.namespaces.get('catalog-search')?.version ?? 0n;
    const err = await failure(
      h.client.updateNamespace({
        namespace: { name: 'catalog-search', version: current - 1n, description: 'lost update' },
        updateMask: { paths: ['description'] },
        requestId: rid(),
        reason,
      }),
    );
    expectCode(err, Code.FailedPrecondition);
    expect(err.rawMessage).toContain(`version ${current}`);
    expect(h.cp.state.namespaces.get('catalog-search')?.description).not.toBe('lost update');
    expect(h.cp.state.namespaces.get('catalog-search')?.version).toBe(current);
  });

  it('refuses unknown mask paths, a bad status and NOT_FOUND names', async () => {
    const version = h.cp.state.namespaces.get('catalog-search')?.version ?? 0n;
    const bad = await failure(
      h.client.updateNamespace({
        namespace: { name: 'catalog-search', version, status: 42 as NamespaceStatus },
        updateMask: { paths: ['name', 'status'] },
        requestId: rid(),
        reason,
      }),
    );
    expect(violatedFields(bad)).toEqual(['namespace.status', 'update_mask']);
    const missing = await failure(
      h.client.updateNamespace({
        namespace: { name: 'nope-nope', version: 1n },
        requestId: rid(),
        reason,
      }),
    );
    expectCode(missing, Code.NotFound);
  });
});

describe('DeleteNamespace', () => {
  it('deletes a namespace with its sessions, configurations and patterns', async () => {
    const name = 'orders-prod';
    const openBefore = h.cp.state.openSessions(name).length;
    expect(openBefore).toBeGreaterThan(0);
    const stale = await failure(
      h.client.deleteNamespace({ name, version: 1_000n, requestId: rid(), reason }),
    );
    expectCode(stale, Code.FailedPrecondition);
    expect(h.cp.state.namespaces.has(name)).toBe(true);

    const version = h.cp.state.namespaces.get(name)?.version ?? 0n;
    await h.client.deleteNamespace({ name, version, requestId: rid(), reason });
    expectCode(await failure(h.client.getNamespace({ name })), Code.NotFound);
    expect(h.cp.state.openSessions(name)).toHaveLength(0);
    const configs = await h.client.listClientConfigurations({ namespace: name });
    expect(configs.totalSize).toBe(0);
    expect((await h.client.listPatterns({ namespace: name })).totalSize).toBe(0);
    expectCode(
      await failure(h.client.deleteNamespace({ name, requestId: rid(), reason })),
      Code.NotFound,
    );
  });
});

describe('request ids', () => {
  it('acts once for a repeated request id and answers the same', async () => {
    const requestId = rid();
    const sizeBefore = h.cp.state.namespaces.size;
    const first = await h.client.createNamespace({
      namespace: { name: 'idem-once', description: 'first' },
      requestId,
      reason,
    });
    const second = await h.client.createNamespace({
      namespace: { name: 'idem-once', description: 'first' },
      requestId,
      reason,
    });
    // A retry with a changed body still gets the first outcome: nothing is acted on again.
    const third = await h.client.createNamespace({
      namespace: { name: 'idem-other', description: 'changed' },
      requestId,
      reason,
    });
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(h.cp.state.namespaces.size).toBe(sizeBefore + 1);
    expect(h.cp.state.namespaces.has('idem-other')).toBe(false);
    expect(h.cp.state.auditEntriesForRequest(requestId)).toHaveLength(1);
  });

  it('replays the same error without acting again', async () => {
    const requestId = rid();
    const firstError = await failure(
      h.client.deleteNamespace({ name: 'idem-late', requestId, reason }),
    );
    expectCode(firstError, Code.NotFound);
    await h.client.createNamespace({ namespace: { name: 'idem-late' }, requestId: rid(), reason });
    const again = await failure(h.client.deleteNamespace({ name: 'idem-late', requestId, reason }));
    expectCode(again, Code.NotFound);
    expect(again.rawMessage).toBe(firstError.rawMessage);
    expect(h.cp.state.namespaces.has('idem-late')).toBe(true);
  });

  it('replays validation errors with their field violations', async () => {
    const requestId = rid();
    const call = () =>
      h.client.createNamespace({ namespace: { name: 'X' }, requestId, reason: 'r' });
    expect(violatedFields(await failure(call()))).toEqual(['namespace.name']);
    expect(violatedFields(await failure(call()))).toEqual(['namespace.name']);
  });

  it('refuses a request id reused for another method', async () => {
    const requestId = rid();
    await h.client.createNamespace({ namespace: { name: 'idem-method' }, requestId, reason });
    const err = await failure(h.client.deleteNamespace({ name: 'idem-method', requestId, reason }));
    expect(violatedFields(err)).toEqual(['request_id']);
    expect(h.cp.state.namespaces.has('idem-method')).toBe(true);
  });
});

describe('audit entries', () => {
  it('are written for a success with actor, operation, resource, reason and request id', async () => {
    const requestId = rid();
    await h.as('carol').createNamespace({
      namespace: { name: 'audited-ok' },
      requestId,
      reason: 'because carol said so',
    });
    const entry = h.cp.state.findAuditEntry(requestId);
    expect(entry).toMatchObject({
      actor: 'carol',
      operation: 'CreateNamespace',
      resource: 'namespaces/audited-ok',
      namespace: 'audited-ok',
      outcome: AuditOutcome.SUCCESS,
      errorCode: '',
      reason: 'because carol said so',
      requestId,
    });
    expect(entry?.time).toBeDefined();
  });

  it('are written for a failure with the error code name and message', async () => {
    const requestId = rid();
    await failure(
      h.as('dave').createNamespace({
        namespace: { name: 'payments-ledger' },
        requestId,
        reason: 'dup',
      }),
    );
    expect(h.cp.state.findAuditEntry(requestId)).toMatchObject({
      actor: 'dave',
      operation: 'CreateNamespace',
      outcome: AuditOutcome.FAILURE,
      errorCode: 'already_exists',
      errorMessage: 'namespace payments-ledger already exists',
      reason: 'dup',
    });
  });

  it('are written for refused requests too, even without request id', async () => {
    const before = h.cp.state.auditLog.length;
    await failure(h.client.createNamespace({ namespace: { name: 'x-no-id' }, reason }));
    const last = h.cp.state.auditLog.at(-1);
    expect(h.cp.state.auditLog.length).toBe(before + 1);
    expect(last).toMatchObject({
      actor: 'anonymous',
      operation: 'CreateNamespace',
      outcome: AuditOutcome.FAILURE,
      errorCode: 'invalid_argument',
      requestId: '',
    });
  });

  it('take the actor from a bearer token when there is one', async () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'u-1', preferred_username: 'erin' }));
    const token = `e30.${payload.toString('base64url')}.sig`;
    const requestId = rid();
    await h.client.setMaintenanceMode(
      { enabled: false, requestId, reason },
      { headers: { authorization: `Bearer ${token}`, 'x-prism-actor': 'ignored' } },
    );
    expect(h.cp.state.findAuditEntry(requestId)?.actor).toBe('erin');
  });
});

describe('client configurations', () => {
  it('are created, updated with their version, and deleted', async () => {
    const created = await h.client.createClientConfiguration({
      clientConfiguration: {
        name: 'profiles-cache',
        namespace: 'user-profiles',
        pattern: AccessPattern.KEYVALUE,
        backend: 'redis-cache',
        options: { ttl_seconds: '60' },
      },
      requestId: rid(),
      reason,
    });
    expect(created.clientConfiguration?.version).toBe(1n);
    expectCode(
      await failure(
        h.client.createClientConfiguration({
          clientConfiguration: created.clientConfiguration,
          requestId: rid(),
          reason,
        }),
      ),
      Code.AlreadyExists,
    );
    const updated = await h.client.updateClientConfiguration({
      clientConfiguration: {
        ...created.clientConfiguration,
        $typeName: undefined,
        options: { ttl_seconds: '120' },
      },
      requestId: rid(),
      reason,
    });
    expect(updated.clientConfiguration).toMatchObject({
      version: 2n,
      options: { ttl_seconds: '120' },
    });
    const stale = await failure(
      h.client.updateClientConfiguration({
        clientConfiguration: created.clientConfiguration,
        requestId: rid(),
        reason,
      }),
    );
    expectCode(stale, Code.FailedPrecondition);
    await h.client.deleteClientConfiguration({ name: 'profiles-cache', requestId: rid(), reason });
    expectCode(
      await failure(h.client.getClientConfiguration({ name: 'profiles-cache' })),
      Code.NotFound,
    );
  });

  it('refuse unknown namespaces and backends and a missing pattern, per field', async () => {
    const err = await failure(
      h.client.createClientConfiguration({
        clientConfiguration: { name: 'bad-config', namespace: 'nope-ns', backend: 'oracle' },
        requestId: rid(),
        reason,
      }),
    );
    expect(violatedFields(err)).toEqual([
      'client_configuration.backend',
      'client_configuration.namespace',
      'client_configuration.pattern',
    ]);
  });
});

describe('TerminateClientSession', () => {
  const busySession = () => {
    for (const s of h.cp.state.clientSessions.values()) {
      if (s.status === SessionStatus.ACTIVE && (s.metrics?.rps ?? 0) > 0) return s;
    }
    throw new Error('no busy session in the seed');
  };

  it('moves a busy session to EXPIRING without force and closes it with force', async () => {
    const session = busySession();
    const countBefore = h.cp.state.namespaces.get(session.namespace)?.metrics?.activeSessions ?? 0;
    const gentle = await h.client.terminateClientSession({
      id: session.id,
      requestId: rid(),
      reason,
    });
    expect(gentle.clientSession?.status).toBe(SessionStatus.EXPIRING);
    const forced = await h.client.terminateClientSession({
      id: session.id,
      force: true,
      requestId: rid(),
      reason,
    });
    expect(forced.clientSession?.status).toBe(SessionStatus.TERMINATED);
    expect(h.cp.state.clientSessions.get(session.id)?.status).toBe(SessionStatus.TERMINATED);
    expect(h.cp.state.namespaces.get(session.namespace)?.metrics?.activeSessions).toBe(
      countBefore - 1,
    );
    const again = await failure(
      h.client.terminateClientSession({ id: session.id, requestId: rid(), reason }),
    );
    expectCode(again, Code.FailedPrecondition);
  });

  it('closes an idle session at once, and answers NOT_FOUND for unknown ids', async () => {
    const idle = [...h.cp.state.clientSessions.values()].find(
      (s) => s.status === SessionStatus.IDLE,
    );
    const res = await h.client.terminateClientSession({
      id: idle?.id ?? '',
      requestId: rid(),
      reason,
    });
    expect(res.clientSession?.status).toBe(SessionStatus.TERMINATED);
    expectCode(
      await failure(h.client.terminateClientSession({ id: 'sess-x', requestId: rid(), reason })),
      Code.NotFound,
    );
  });
});

describe('maintenance mode', () => {
  it('is switched on with a message and by whom, then off', async () => {
    const on = await h.as('frank').setMaintenanceMode({
      enabled: true,
      message: 'Upgrading Postgres',
      requestId: rid(),
      reason,
    });
    expect(on.status).toMatchObject({
      enabled: true,
      message: 'Upgrading Postgres',
      enabledBy: 'frank',
    });
    expect((await h.client.getMaintenanceStatus({})).status?.enabled).toBe(true);
    const past = await failure(
      h.client.setMaintenanceMode({
        enabled: true,
        scheduledEndTime: { seconds: 1n, nanos: 0 },
        requestId: rid(),
        reason,
      }),
    );
    expect(violatedFields(past)).toEqual(['scheduled_end_time']);
    await h.client.setMaintenanceMode({ enabled: false, requestId: rid(), reason });
    expect((await h.client.getMaintenanceStatus({})).status?.enabled).toBe(false);
  });
});
