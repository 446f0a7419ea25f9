// Seeding the conformance server's world, and a Connect gRPC client for its own tests.

import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService } from '../../src/gen/prism/admin/v1/admin_service_pb.js';
import type { ConformanceServer } from './server.js';
import type { ClientConfigurationObject, NamespaceObject, SessionObject } from './state.js';
import { timestamp } from './wire.js';

export function seedNamespace(server: ConformanceServer, name: string, version = '1') {
  const namespace: NamespaceObject = {
    name,
    description: `${name} as seeded`,
    status: 'NAMESPACE_STATUS_ACTIVE',
    quota: { maxSessions: 10, maxStorageBytes: '0', maxRps: 0 },
    config: {},
    version,
  };
  server.namespaces.set(name, namespace);
  return namespace;
}

let sessionSequence = 0;

/** `count` open sessions in `namespace` (ACTIVE unless told). */
export function seedSessions(
  server: ConformanceServer,
  namespace: string,
  count: number,
  status = 'SESSION_STATUS_ACTIVE',
): SessionObject[] {
  const seeded: SessionObject[] = [];
  for (let i = 0; i < count; i++) {
    sessionSequence++;
    const id = `sess-${String(sessionSequence).padStart(6, '0')}`;
    const session: SessionObject = {
      id,
      namespace,
      clientId: `client-${sessionSequence}`,
      status,
      clientAddress: `10.0.0.${sessionSequence % 250}:5${String(sessionSequence).padStart(4, '0')}`,
      proxy: 'proxy-1',
      startTime: timestamp(Date.now() - 60_000 - sessionSequence),
      lastActivityTime: timestamp(),
      metrics: { requestCount: '10', rps: 1, p99LatencyMs: 2, bytesIn: '100', bytesOut: '200' },
    };
    server.sessions.set(id, session);
    seeded.push(session);
  }
  return seeded;
}

/** Backends, launchers and pattern assignments the configuration forms offer. */
export function seedInfrastructure(server: ConformanceServer): void {
  for (const [name, type] of [
    ['redis-main', 'redis'],
    ['postgres-main', 'postgres'],
    ['kafka-events', 'kafka'],
  ] as const) {
    server.backends.set(name, {
      name,
      type,
      health: 'BACKEND_HEALTH_HEALTHY',
      healthMessage: '',
      lastCheckTime: timestamp(),
      instances: [],
    });
  }
  server.launchers.push({
    id: 'launcher-1',
    address: '10.0.1.1:7000',
    region: 'eu-1',
    status: 'COMPONENT_STATUS_UP',
    maxProcesses: 10,
    processCount: 2,
    capabilities: ['ACCESS_PATTERN_KEYVALUE', 'ACCESS_PATTERN_PUBSUB', 'ACCESS_PATTERN_QUEUE'],
  });
  const assignments = [
    ['orders', 'ACCESS_PATTERN_KEYVALUE'],
    ['orders', 'ACCESS_PATTERN_PUBSUB'],
    ['billing', 'ACCESS_PATTERN_QUEUE'],
  ] as const;
  for (const [index, [namespace, pattern]] of assignments.entries()) {
    server.patterns.push({
      id: `assignment-${index + 1}`,
      namespace,
      pattern,
      launcherId: 'launcher-1',
      status: 'COMPONENT_STATUS_UP',
      assignTime: timestamp(),
    });
  }
}

export function seedConfiguration(
  server: ConformanceServer,
  name: string,
  fields: Partial<ClientConfigurationObject> = {},
): ClientConfigurationObject {
  const configuration: ClientConfigurationObject = {
    name,
    namespace: 'orders',
    pattern: 'ACCESS_PATTERN_KEYVALUE',
    backend: 'redis-main',
    options: { pool_size: '8' },
    description: `${name} as seeded`,
    createTime: timestamp(),
    createdBy: 'seed',
    updateTime: timestamp(),
    updatedBy: 'seed',
    version: '1',
    ...fields,
  };
  server.clientConfigurations.set(name, configuration);
  return configuration;
}

/** An unsigned JWT naming `username`: the server reads who calls from it, as the demo does. */
export function bearer(username: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `Bearer ${part({ alg: 'none' })}.${part({ preferred_username: username })}.sig`;
}

/** The console's own generated client over gRPC (HTTP/2), calling the conformance server. */
export function grpcClient(server: ConformanceServer) {
  return createClient(AdminService, createGrpcTransport({ baseUrl: server.url }));
}
