import { once } from 'node:events';
import * as http2 from 'node:http2';
import { Code, createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlPlane } from '../../../src/dev/control-plane/index.js';
import { AdminService } from '../../../src/gen/prism/admin/v1/admin_service_pb.js';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { ResourceKind } from '../../../src/gen/prism/admin/v1/watch_pb.js';
import { collect, expectCode, failure, type Harness, rid, startHarness } from './harness.js';

const running: Harness[] = [];
async function harness(...args: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...args);
  running.push(h);
  return h;
}
/** Fails fast instead of hanging the test until its timeout. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()));
});

describe('fault injection', () => {
  it('adds latency to every call', async () => {
    const { cp, client } = await harness();
    await client.getClusterStatus({}); // connect first
    cp.faults.latencyMs = 250;
    const started = performance.now();
    await client.getClusterStatus({});
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    cp.faults.latencyMs = 0;
    const again = performance.now();
    await client.getClusterStatus({});
    expect(performance.now() - again).toBeLessThan(200);
  });

  it('ends the added latency when the call gives up', async () => {
    const { cp, client } = await harness();
    cp.faults.latencyMs = 10_000;
    const started = performance.now();
    const err = await failure(client.getClusterStatus({}, { timeoutMs: 150 }));
    expectCode(err, Code.DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('does not act on a mutation whose caller gave up during the added latency', async () => {
    const { cp, client } = await harness();
    cp.faults.latencyMs = 200;
    const err = await failure(
      client.createNamespace(
        { namespace: { name: 'too-late' }, requestId: rid(), reason: 'r' },
        { timeoutMs: 50 },
      ),
    );
    expectCode(err, Code.DeadlineExceeded);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(cp.state.namespaces.has('too-late')).toBe(false);
  });

  it('fails every call, unary and streaming, with UNAVAILABLE while unavailable', async () => {
    const { cp, client } = await harness();
    cp.faults.unavailable = true;
    expectCode(await failure(client.listNamespaces({})), Code.Unavailable);
    expectCode(await failure(collect(client.getAuditLog({}))), Code.Unavailable);
    expectCode(
      await failure(
        client.createNamespace({ namespace: { name: 'f-ns' }, requestId: rid(), reason: 'r' }),
      ),
      Code.Unavailable,
    );
    expect(cp.state.namespaces.has('f-ns')).toBe(false);
    cp.faults.unavailable = false;
    expect((await client.listNamespaces({})).totalSize).toBeGreaterThan(0);
  });

  it('fails the configured fraction of calls', async () => {
    const { cp, client } = await harness();
    cp.faults.errorRate = 1;
    expectCode(await failure(client.getMaintenanceStatus({})), Code.Unavailable);
    cp.faults.errorRate = 0.5;
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () =>
        client.getMaintenanceStatus({}).then(
          () => 'ok',
          () => 'failed',
        ),
      ),
    );
    const failed = outcomes.filter((o) => o === 'failed').length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(50);
    cp.faults.errorRate = 0;
    await client.getMaintenanceStatus({});
  });
});

describe('stop and start', () => {
  it('stops at once, even with an open Watch, and recovers a client on the same port', async () => {
    const { cp, client } = await harness();
    const url = cp.url;
    await client.createNamespace({
      namespace: { name: 'survivor' },
      requestId: rid(),
      reason: 'r',
    });

    const watch = client.watch({ kinds: [ResourceKind.NAMESPACE] });
    const it = watch[Symbol.asyncIterator]();
    await it.next();
    const watchEnded = it.next().then(
      () => 'ended',
      () => 'failed',
    );

    await within(1000, cp.stop());
    expect(await within(1000, watchEnded)).toBe('failed');
    expectCode(await failure(client.listNamespaces({})), Code.Unavailable);

    await cp.start();
    expect(cp.url).toBe(url);
    // The same client (and transport) works again, and the state survived.
    const got = await client.getNamespace({ name: 'survivor' });
    expect(got.namespace?.name).toBe('survivor');
  });

  it('does not wait for a request that is never finished', async () => {
    const { cp } = await harness();
    // A client that sends the headers of a call and then nothing: no body, no end of stream.
    const session = http2.connect(cp.url);
    session.on('error', () => {});
    const stream = session.request({
      ':method': 'POST',
      ':path': '/prism.admin.v1.AdminService/ListNamespaces',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let streamError: unknown;
    stream.on('error', (err) => {
      streamError = err;
    });
    const streamClosed = new Promise((resolve) => stream.once('close', resolve));
    await once(stream, 'ready');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server is now reading it
    expect(streamError).toBeUndefined();
    await within(1000, cp.stop());
    await within(1000, streamClosed);
    session.destroy();
  });

  it('serves the Connect protocol on the same port too', async () => {
    const { cp } = await harness();
    const client = createClient(
      AdminService,
      createConnectTransport({ baseUrl: cp.url, httpVersion: '2' }),
    );
    expect((await client.getClusterStatus({})).members).toHaveLength(3);
  });

  it('listens on the port it is given', async () => {
    const probe = await startControlPlane({ simulate: false });
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const cp = await startControlPlane({ simulate: false, port });
    try {
      expect(cp.url).toBe(`http://127.0.0.1:${port}`);
      const client = createClient(AdminService, createGrpcTransport({ baseUrl: cp.url }));
      await client.getMaintenanceStatus({});
    } finally {
      await cp.stop();
    }
  });
});

describe('simulator', () => {
  it('moves metrics, sessions, heartbeats, backends and Raft on every tick', async () => {
    const { cp } = await harness({ simulate: true, tickMs: 25 });
    const state = cp.state;
    const rps = () => [...state.namespaces.values()].map((n) => n.metrics?.rps);
    const beforeRps = rps();
    const beforeCommit = state.raft.commitIndex;
    const beforeHeartbeat = state.proxies.get('proxy-0')?.lastHeartbeatTime?.nanos;
    const beforeCpu = state.backends.get('redis-cache')?.instances[0]?.cpuPercent;
    const beforeSeries = state.metrics.series('').find((s) => s.name === 'rps')?.points.length ?? 0;
    const beforeSessions = new Map(
      [...state.clientSessions.values()].map((s) => [s.id, s.status] as const),
    );

    await expect
      .poll(() => state.raft.commitIndex, { timeout: 5000 })
      .toBeGreaterThan(beforeCommit + 5n);
    expect(rps()).not.toEqual(beforeRps);
    expect(state.proxies.get('proxy-0')?.lastHeartbeatTime?.nanos).not.toBe(beforeHeartbeat);
    expect(state.backends.get('redis-cache')?.instances[0]?.cpuPercent).not.toBe(beforeCpu);
    expect(state.metrics.series('').find((s) => s.name === 'rps')?.points.length).toBeGreaterThan(
      beforeSeries,
    );
    await expect
      .poll(
        () => [...state.clientSessions.values()].some((s) => beforeSessions.get(s.id) !== s.status),
        { timeout: 5000 },
      )
      .toBe(true);
    // Session counts stay consistent with the session table.
    const open = [...state.clientSessions.values()].filter(
      (s) => s.namespace === 'user-profiles' && s.status !== SessionStatus.TERMINATED,
    ).length;
    expect(state.namespaces.get('user-profiles')?.metrics?.activeSessions).toBe(open);
  });

  it('emits Watch events as things change', async () => {
    const { client } = await harness({ simulate: true, tickMs: 25 });
    const abort = new AbortController();
    const kinds = new Set<ResourceKind>();
    for await (const res of client.watch({}, { signal: abort.signal })) {
      for (const e of res.events) kinds.add(e.kind);
      if (kinds.has(ResourceKind.CLUSTER) && kinds.has(ResourceKind.BACKEND)) break;
    }
    abort.abort();
    expect(kinds.has(ResourceKind.NAMESPACE)).toBe(true);
  });

  it('pauses while stopped', async () => {
    const { cp } = await harness({ simulate: true, tickMs: 20 });
    await expect.poll(() => cp.state.raft.commitIndex).toBeGreaterThan(0n);
    await cp.stop();
    const frozen = cp.state.raft.commitIndex;
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(cp.state.raft.commitIndex).toBe(frozen);
    await cp.start();
    await expect.poll(() => cp.state.raft.commitIndex).toBeGreaterThan(frozen);
  });
});
