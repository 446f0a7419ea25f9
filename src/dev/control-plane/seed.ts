// Realistic, deterministic seed data: the same seed and clock give the same cluster, so the
// demo looks the same on every start and tests can rely on sizes and names.
// Long on purpose: it is data (every kind of resource the demo shows, with its names and sizes),
// read top to bottom; split by kind it would only scatter one picture over several files.

import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AuditOutcome } from '../../gen/prism/admin/v1/audit_pb.js';
import {
  type Backend,
  BackendHealth,
  type BackendInstance,
  BackendInstanceSchema,
  BackendSchema,
} from '../../gen/prism/admin/v1/backend_pb.js';
import {
  AccessPattern,
  ClientConfigurationSchema,
} from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { ClientSessionSchema, SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import {
  ComponentStatus,
  LauncherSchema,
  PatternAssignmentSchema,
  ProxySchema,
  RaftMemberSchema,
  RaftRole,
} from '../../gen/prism/admin/v1/cluster_pb.js';
import { NamespaceSchema, NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';
import { backendResource, backfillHistory, namespaceResource, recordSnapshot } from './metrics.js';
import { Random } from './random.js';
import { type AuditEntryInit, type ControlPlaneState, PARTITION_COUNT } from './state.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GIB = 1024 ** 3;

/** People and robots that show up as created_by / updated_by and in the seeded audit log. */
const ACTORS = ['alice', 'bob', 'carol', 'dmitri', 'priya', 'platform-bot', 'terraform'] as const;

type SeedNamespace = readonly [name: string, description: string, status?: NamespaceStatus];

const { ACTIVE, READ_ONLY, SUSPENDED } = NamespaceStatus;

const NAMESPACES: readonly SeedNamespace[] = [
  ['orders-prod', 'Order lifecycle state for the storefront: carts become orders here.'],
  ['orders-staging', 'Staging copy of orders-prod for release testing.', READ_ONLY],
  ['payments-ledger', 'Double-entry ledger for captured and refunded payments.'],
  ['payments-gateway', 'Idempotency keys and provider callbacks for the payment gateway.'],
  ['user-profiles', 'Customer profiles, preferences and contact details.'],
  ['user-sessions', 'Short-lived web and mobile login sessions.'],
  ['inventory-service', 'Stock levels per warehouse and SKU.'],
  ['catalog-search', 'Denormalised product documents for search.'],
  ['shipping-tracker', 'Carrier tracking events and delivery estimates.'],
  ['notifications', 'Fan-out queue for e-mail, SMS and push notifications.'],
  ['email-outbox', 'Transactional e-mail waiting for the relay.'],
  ['sms-gateway', 'Outbound SMS and delivery receipts.'],
  ['fraud-detection', 'Real-time fraud signals and model scores.'],
  ['risk-scoring', 'Risk scores per account, recomputed hourly.'],
  ['analytics-events', 'Raw product analytics events before batching to the warehouse.'],
  ['clickstream', 'Page views and clicks from the web storefront.'],
  ['recommendations', 'Precomputed "customers also bought" lists.'],
  ['pricing-engine', 'Price rules, promotions and computed prices.'],
  ['checkout-cart', 'Open shopping carts; expire after 30 days.'],
  ['loyalty-points', 'Loyalty balances and point transactions.'],
  ['reviews-ratings', 'Product reviews and star ratings.'],
  ['media-assets', 'Metadata for images and videos stored in S3.'],
  ['search-index', 'Work queue that keeps the search index in sync.'],
  ['audit-archive', 'Long-term archive of business audit events (append only).', READ_ONLY],
  ['billing-invoices', 'Invoices, credit notes and their PDFs.'],
  ['subscriptions', 'Recurring plans, renewals and dunning state.'],
  ['identity-directory', 'Service accounts and their API keys.'],
  ['feature-flags', 'Feature flag definitions and per-tenant overrides.'],
  ['config-store', 'Runtime configuration shared by backend services.'],
  ['ml-feature-store', 'Online features for the ranking and fraud models.'],
  ['telemetry-metrics', 'Time series from devices in the field.'],
  ['logs-ingest', 'Log lines buffered before shipping to the log platform.'],
  ['chat-messages', 'Customer support chat transcripts.'],
  ['presence', 'Who is online right now, for support agents.'],
  ['geo-locations', 'Store and warehouse locations with opening hours.'],
  ['warehouse-robotics', 'Pick-list events from the warehouse robots.'],
  ['supplier-portal', 'Purchase orders and supplier acknowledgements.'],
  ['partner-api', 'Rate-limit counters and tokens for the partner API.'],
  ['mobile-push', 'Device tokens for mobile push notifications.'],
  ['customer-support', 'Support tickets and their history.'],
  ['returns-refunds', 'Return authorisations and refund state.'],
  ['tax-calculation', 'Tax rates per jurisdiction, cached from the provider.'],
  ['currency-rates', 'Daily exchange rates; written once a day.', READ_ONLY],
  ['ad-impressions', 'Paused until the new ad partner contract is signed.', SUSPENDED],
  ['experiments-ab', 'A/B experiment assignments and exposure events.'],
  [
    'legacy-import',
    'Imports from the old <Shop v1> system & its "CSV" files. Suspended after the cut-over.',
    SUSPENDED,
  ],
];

const CONFIG_CHOICES: readonly (readonly [string, readonly string[]])[] = [
  ['retention', ['24h', '7d', '30d', '365d']],
  ['consistency', ['strong', 'eventual', 'bounded-staleness']],
  ['ttl_seconds', ['300', '3600', '86400']],
  ['region', ['us-east-1', 'eu-west-1']],
  ['replication_factor', ['2', '3']],
  ['compression', ['none', 'lz4', 'zstd']],
];

interface SeedBackend {
  name: string;
  type: string;
  port: number;
  instances: number;
  poolMax: number;
  /** Instance index that starts DEGRADED, with its reason. */
  degraded?: readonly [number, string];
}

const BACKENDS: readonly SeedBackend[] = [
  { name: 'redis-cache', type: 'redis', port: 6379, instances: 3, poolMax: 64 },
  { name: 'postgres-main', type: 'postgres', port: 5432, instances: 3, poolMax: 100 },
  { name: 'kafka-events', type: 'kafka', port: 9092, instances: 3, poolMax: 48 },
  { name: 'nats-bus', type: 'nats', port: 4222, instances: 3, poolMax: 32 },
  { name: 's3-archive', type: 's3', port: 443, instances: 1, poolMax: 128 },
  {
    name: 'postgres-analytics',
    type: 'postgres',
    port: 5432,
    instances: 2,
    poolMax: 60,
    degraded: [1, 'replication lag 47 s'],
  },
];

const CLIENT_CONFIGURATIONS: readonly (readonly [
  name: string,
  namespace: string,
  pattern: AccessPattern,
  backend: string,
  options: Record<string, string>,
  description: string,
])[] = [
  [
    'orders-kv',
    'orders-prod',
    AccessPattern.KEYVALUE,
    'redis-cache',
    { ttl_seconds: '3600', max_value_bytes: '65536' },
    'Order documents by order id.',
  ],
  [
    'orders-events',
    'orders-prod',
    AccessPattern.PUBSUB,
    'kafka-events',
    { topic: 'orders.v1', partitions: '12' },
    'Order state changes for downstream consumers.',
  ],
  [
    'ledger-entries',
    'payments-ledger',
    AccessPattern.KEYVALUE,
    'postgres-main',
    { isolation: 'serializable' },
    'Ledger rows, written in one transaction per posting.',
  ],
  [
    'payment-callbacks',
    'payments-gateway',
    AccessPattern.QUEUE,
    'nats-bus',
    { max_redeliveries: '5', ack_wait: '30s' },
    'Provider webhooks waiting to be processed.',
  ],
  [
    'profiles-kv',
    'user-profiles',
    AccessPattern.KEYVALUE,
    'postgres-main',
    { cache: 'redis-cache' },
    'Profile records by user id.',
  ],
  [
    'sessions-kv',
    'user-sessions',
    AccessPattern.KEYVALUE,
    'redis-cache',
    { ttl_seconds: '1800' },
    'Login sessions; expire on idle.',
  ],
  [
    'notify-queue',
    'notifications',
    AccessPattern.QUEUE,
    'kafka-events',
    { topic: 'notifications.v2', consumer_group: 'notifier' },
    'Notifications to fan out.',
  ],
  [
    'fraud-signals',
    'fraud-detection',
    AccessPattern.PUBSUB,
    'nats-bus',
    { subject: 'fraud.signals.>' },
    'Signals published by the scoring service.',
  ],
  [
    'clickstream-ts',
    'clickstream',
    AccessPattern.TIMESERIES,
    'postgres-analytics',
    { bucket: '1m', retention: '30d' },
    'Click counts per page per minute.',
  ],
  [
    'media-objects',
    'media-assets',
    AccessPattern.OBJECT_STORE,
    's3-archive',
    { bucket: 'prism-media-assets', storage_class: 'STANDARD_IA' },
    'Image and video blobs.',
  ],
  [
    'recs-graph',
    'recommendations',
    AccessPattern.GRAPH,
    'postgres-analytics',
    { max_depth: '3' },
    'Product co-purchase graph.',
  ],
  [
    'telemetry-ts',
    'telemetry-metrics',
    AccessPattern.TIMESERIES,
    'postgres-analytics',
    { bucket: '10s', downsample_after: '7d' },
    'Device metrics.',
  ],
  [
    'flags-kv',
    'feature-flags',
    AccessPattern.KEYVALUE,
    'redis-cache',
    { consistency: 'strong' },
    'Flag definitions, read on every request.',
  ],
  [
    'archive-objects',
    'audit-archive',
    AccessPattern.OBJECT_STORE,
    's3-archive',
    { bucket: 'prism-audit-archive', object_lock: 'governance' },
    'Write-once archive objects.',
  ],
];

/** Fills an empty state with a whole cluster. */
export function seedState(state: ControlPlaneState, seed: number): void {
  const random = new Random(seed);
  const now = state.now().getTime();
  const at = (msAgo: number) => timestampFromDate(new Date(now - msAgo));

  seedRaft(state, random, now);
  seedProxiesAndLaunchers(state, random, now);

  // Namespaces: traffic follows a rough power law, so a few namespaces dominate the dashboard.
  for (const [index, [name, description, status = ACTIVE]] of NAMESPACES.entries()) {
    const createdAgo = random.int(3 * DAY, 400 * DAY);
    const updatedAgo = random.int(5 * MINUTE, Math.min(createdAgo, 60 * DAY));
    const partition = state.partitionOf(name);
    const baseRps =
      status === SUSPENDED ? 0 : (2400 / (index + 1)) * random.float(0.6, 1.4) + random.float(1, 8);
    const config: Record<string, string> = {};
    for (const [key, values] of CONFIG_CHOICES) {
      if (random.chance(0.45)) config[key] = random.pick(values);
    }
    const version = BigInt(random.int(1, 14));
    state.namespaces.set(
      name,
      create(NamespaceSchema, {
        name,
        description,
        status,
        quota: {
          maxSessions: random.chance(0.2) ? 0 : random.pick([50, 100, 200, 500]),
          maxStorageBytes: BigInt(random.pick([0, 10, 50, 100, 500]) * GIB),
          maxRps: random.chance(0.25) ? 0 : random.pick([1000, 5000, 10_000, 20_000]),
        },
        metrics: {
          activeSessions: 0,
          storageUsedBytes: BigInt(Math.round(random.float(0.05, 40) * GIB)),
          rps: status === READ_ONLY ? Math.round(baseRps * 0.3 * 100) / 100 : round2(baseRps),
        },
        config,
        assignedProxy: state.proxyForPartition(partition)?.id ?? '',
        partition,
        createTime: at(createdAgo),
        createdBy: random.pick(ACTORS),
        updateTime: at(updatedAgo),
        updatedBy: version === 1n ? '' : random.pick(ACTORS),
        version,
      }),
    );
  }
  for (const namespace of state.namespaces.values()) {
    if (namespace.version === 1n) {
      namespace.updateTime = namespace.createTime;
      namespace.updatedBy = namespace.createdBy;
    }
  }

  seedPatterns(state, random, now);
  seedSessions(state, random, now);
  seedBackends(state, random, now);
  seedClientConfigurations(state, random, now);
  seedAudit(state, random, now);
  seedTrouble(state, new Random(seed + 4099), now);

  state.refreshSessionCounts();
  state.refreshPlacementCounts();

  // Fifteen minutes of history, one point every 15 s, ending with the current values.
  recordSnapshot(state, now, random);
  const resources = [
    '',
    ...[...state.namespaces.keys()].map(namespaceResource),
    ...[...state.backends.keys()].map(backendResource),
  ];
  backfillHistory(state.metrics, resources, now, 15_000, 59, random);
}

function seedRaft(state: ControlPlaneState, random: Random, now: number): void {
  const ids = ['admin-0', 'admin-1', 'admin-2'];
  const leader = random.pick(ids);
  const commit = BigInt(random.int(40_000, 90_000));
  state.raft.leaderId = leader;
  state.raft.term = BigInt(random.int(3, 40));
  state.raft.commitIndex = commit;
  state.raft.appliedIndex = commit;
  state.raft.members = ids.map((id, i) =>
    create(RaftMemberSchema, {
      id,
      address: `10.0.0.${10 + i}:8981`,
      role: id === leader ? RaftRole.LEADER : RaftRole.FOLLOWER,
      healthy: true,
      lastContactTime: timestampFromDate(new Date(now - random.int(5, 180))),
      matchIndex: id === leader ? commit : commit - BigInt(random.int(0, 2)),
    }),
  );
}

/** How far the lagging Raft member is behind, in log entries, and since when it was last heard. */
export const LAG_ENTRIES = { min: 800, max: 3000 } as const;
export const LAG_CONTACT_MS = { min: 20_000, max: 90_000 } as const;

function seedProxiesAndLaunchers(state: ControlPlaneState, random: Random, now: number): void {
  const up = 3;
  for (let i = 0; i < 4; i++) {
    const down = i >= up;
    const partitions = down
      ? []
      : Array.from({ length: PARTITION_COUNT }, (_, p) => p).filter((p) => p % up === i);
    state.proxies.set(
      `proxy-${i}`,
      create(ProxySchema, {
        id: `proxy-${i}`,
        address: `10.0.1.${20 + i}:8980`,
        version: down ? '0.14.1' : '0.14.2',
        status: down ? ComponentStatus.DOWN : ComponentStatus.UP,
        registerTime: timestampFromDate(new Date(now - random.int(2 * DAY, 30 * DAY))),
        // A down proxy stopped sending heartbeats a few minutes ago.
        lastHeartbeatTime: timestampFromDate(
          new Date(now - (down ? random.int(4 * MINUTE, 9 * MINUTE) : random.int(100, 2000))),
        ),
        capacity: 200,
        namespaceCount: 0,
        partitions,
      }),
    );
  }

  const { KEYVALUE, PUBSUB, QUEUE, TIMESERIES, GRAPH, OBJECT_STORE } = AccessPattern;
  const launchers = [
    ['launcher-use1-a', 'us-east-1', ComponentStatus.UP, [KEYVALUE, PUBSUB, QUEUE, TIMESERIES]],
    ['launcher-use1-b', 'us-east-1', ComponentStatus.UP, [KEYVALUE, QUEUE, GRAPH, OBJECT_STORE]],
    [
      'launcher-euw1-a',
      'eu-west-1',
      ComponentStatus.UP,
      [KEYVALUE, PUBSUB, QUEUE, TIMESERIES, GRAPH, OBJECT_STORE],
    ],
    // Being emptied before a node upgrade: registered, heartbeating, taking no new patterns.
    ['launcher-usw2-a', 'us-west-2', ComponentStatus.DRAINING, [KEYVALUE, PUBSUB, QUEUE]],
  ] as const;
  for (const [i, [id, region, status, capabilities]] of launchers.entries()) {
    state.launchers.set(
      id,
      create(LauncherSchema, {
        id,
        address: `10.0.2.${30 + i}:7070`,
        region,
        status,
        registerTime: timestampFromDate(new Date(now - random.int(1 * DAY, 20 * DAY))),
        lastHeartbeatTime: timestampFromDate(new Date(now - random.int(100, 3000))),
        maxProcesses: 64,
        processCount: 0,
        capabilities: [...capabilities],
      }),
    );
  }
}

function seedPatterns(state: ControlPlaneState, random: Random, now: number): void {
  const launchers = [...state.launchers.values()].filter((l) => l.status === ComponentStatus.UP);
  const patterns = [
    AccessPattern.KEYVALUE,
    AccessPattern.PUBSUB,
    AccessPattern.QUEUE,
    AccessPattern.TIMESERIES,
    AccessPattern.GRAPH,
    AccessPattern.OBJECT_STORE,
  ];
  for (const namespace of state.namespaces.values()) {
    if (namespace.status === SUSPENDED) continue;
    const wanted = new Set([AccessPattern.KEYVALUE]);
    if (random.chance(0.5)) wanted.add(random.pick(patterns));
    for (const pattern of wanted) {
      const able = launchers.filter((l) => l.capabilities.includes(pattern));
      if (able.length === 0) continue;
      const launcher = random.pick(able);
      const id = `pa-${namespace.name}-${AccessPattern[pattern].toLowerCase().replace('_', '-')}`;
      state.patterns.set(
        id,
        create(PatternAssignmentSchema, {
          id,
          namespace: namespace.name,
          pattern,
          launcherId: launcher.id,
          status: ComponentStatus.UP,
          assignTime: timestampFromDate(new Date(now - random.int(HOUR, 30 * DAY))),
        }),
      );
    }
  }
}

const CLIENT_ROLES = ['api', 'worker', 'consumer', 'batch', 'gateway', 'cron'] as const;

/** Creates one client session; the simulator uses it too for new arrivals. */
export function newSession(
  state: ControlPlaneState,
  random: Random,
  namespace: string,
  status: SessionStatus,
  nowMs: number,
  startedAgoMs: number,
) {
  const ns = state.namespaces.get(namespace);
  const service = namespace.split('-')[0] ?? namespace;
  const lastActivityAgo =
    status === SessionStatus.ACTIVE
      ? random.int(0, 5000)
      : status === SessionStatus.IDLE
        ? random.int(MINUTE, 20 * MINUTE)
        : random.int(5 * MINUTE, 25 * MINUTE);
  const last = nowMs - Math.min(startedAgoMs, lastActivityAgo);
  const ageSeconds = Math.max(1, startedAgoMs / 1000);
  const rps = status === SessionStatus.ACTIVE ? round2(random.float(0.5, 120)) : 0;
  const requests = Math.round(random.float(0.5, 60) * ageSeconds * 0.6);
  return create(ClientSessionSchema, {
    id: `sess-${random.hex(12)}`,
    namespace,
    clientId: `${service}-${random.pick(CLIENT_ROLES)}-${random.hex(4)}`,
    status,
    clientAddress: `10.${random.int(16, 31)}.${random.int(0, 255)}.${random.int(2, 254)}:${random.int(32768, 60999)}`,
    proxy: ns?.assignedProxy ?? '',
    startTime: timestampFromDate(new Date(nowMs - startedAgoMs)),
    lastActivityTime: timestampFromDate(new Date(last)),
    expireTime: timestampFromDate(new Date(last + 30 * MINUTE)),
    metrics: {
      requestCount: BigInt(requests),
      rps,
      p99LatencyMs: round2(random.float(1.5, 80)),
      bytesIn: BigInt(requests * random.int(200, 2000)),
      bytesOut: BigInt(requests * random.int(300, 8000)),
    },
  });
}

/**
 * A namespace whose clients mostly sit idle (login sessions kept open between uses): the demo
 * always has idle sessions to "terminate all idle" in.
 */
export const IDLE_PRONE_NAMESPACE = 'user-sessions';
const SEEDED_IDLE_SESSIONS = 12;

function seedSessions(state: ControlPlaneState, random: Random, now: number): void {
  const weights = [...state.namespaces.values()]
    .filter((ns) => ns.status !== SUSPENDED)
    .map((ns) => [ns.name, Math.sqrt((ns.metrics?.rps ?? 0) + 1)] as const);
  for (let i = 0; i < 230; i++) {
    const namespace = random.weighted(weights);
    const status = random.weighted([
      [SessionStatus.ACTIVE, 0.7],
      [SessionStatus.IDLE, 0.15],
      [SessionStatus.EXPIRING, 0.06],
      [SessionStatus.TERMINATED, 0.09],
    ]);
    const session = newSession(state, random, namespace, status, now, random.int(MINUTE, 8 * HOUR));
    state.clientSessions.set(session.id, session);
  }
}

/**
 * What an on-call operator should find in the demo, on top of the random cluster: a lagging
 * Raft follower and a namespace full of idle sessions. (The degraded backend and the down proxy
 * with its stale heartbeat are part of the fixed seed above.) Its own random sequence, so the
 * rest of the seed stays as it was.
 */
function seedTrouble(state: ControlPlaneState, random: Random, now: number): void {
  const raft = state.raft;
  // One follower lags: far behind the commit index, not heard from for a while.
  const lagging = raft.members.find((m) => m.role === RaftRole.FOLLOWER);
  if (lagging) {
    state.laggingMembers.add(lagging.id);
    lagging.matchIndex = raft.commitIndex - BigInt(random.int(LAG_ENTRIES.min, LAG_ENTRIES.max));
    lagging.lastContactTime = timestampFromDate(
      new Date(now - random.int(LAG_CONTACT_MS.min, LAG_CONTACT_MS.max)),
    );
  }
  if (state.namespaces.get(IDLE_PRONE_NAMESPACE)?.status === ACTIVE) {
    for (let i = 0; i < SEEDED_IDLE_SESSIONS; i++) {
      const started = random.int(30 * MINUTE, 8 * HOUR);
      const session = newSession(
        state,
        random,
        IDLE_PRONE_NAMESPACE,
        SessionStatus.IDLE,
        now,
        started,
      );
      state.clientSessions.set(session.id, session);
    }
  }
}

function seedBackends(state: ControlPlaneState, random: Random, now: number): void {
  for (const seed of BACKENDS) {
    const instances: BackendInstance[] = [];
    for (let i = 0; i < seed.instances; i++) {
      const degraded = seed.degraded?.[0] === i;
      const active = random.int(Math.round(seed.poolMax * 0.1), Math.round(seed.poolMax * 0.7));
      const p50 = random.float(0.4, seed.type === 's3' ? 30 : 4);
      instances.push(
        create(BackendInstanceSchema, {
          id: `${seed.name}-${i}`,
          address:
            seed.type === 's3'
              ? `s3.us-east-1.amazonaws.com:${seed.port}`
              : `10.0.3.${10 * (BACKENDS.indexOf(seed) + 1) + i}:${seed.port}`,
          health: degraded ? BackendHealth.DEGRADED : BackendHealth.HEALTHY,
          pool: { active, idle: random.int(0, seed.poolMax - active), max: seed.poolMax },
          cpuPercent: round2(random.float(degraded ? 70 : 8, degraded ? 95 : 55)),
          memoryPercent: round2(random.float(30, 80)),
          rps: round2(random.float(50, 3000)),
          p50LatencyMs: round2(p50),
          p99LatencyMs: round2(p50 * random.float(3, degraded ? 30 : 8)),
        }),
      );
    }
    const backend = create(BackendSchema, {
      name: seed.name,
      type: seed.type,
      lastCheckTime: timestampFromDate(new Date(now - random.int(500, 10_000))),
      instances,
    });
    summariseBackendHealth(backend, seed.degraded?.[1]);
    state.backends.set(seed.name, backend);
  }
}

/**
 * Sets a backend's health from its instances: the worst instance wins, and the message says
 * which instances are not healthy.
 */
export function summariseBackendHealth(backend: Backend, reason?: string): void {
  const unhealthy = backend.instances.filter((i) => i.health === BackendHealth.UNHEALTHY);
  const degraded = backend.instances.filter((i) => i.health === BackendHealth.DEGRADED);
  const total = backend.instances.length;
  if (unhealthy.length > 0) {
    backend.health = BackendHealth.UNHEALTHY;
    backend.healthMessage = `${unhealthy.length} of ${total} instances unreachable: ${unhealthy.map((i) => i.id).join(', ')}`;
  } else if (degraded.length > 0) {
    backend.health = BackendHealth.DEGRADED;
    backend.healthMessage = `${degraded.length} of ${total} instances degraded: ${degraded.map((i) => i.id).join(', ')}${reason ? ` (${reason})` : ''}`;
  } else {
    backend.health = BackendHealth.HEALTHY;
    backend.healthMessage = total === 1 ? 'endpoint healthy' : `all ${total} instances healthy`;
  }
}

function seedClientConfigurations(state: ControlPlaneState, random: Random, now: number): void {
  for (const [name, namespace, pattern, backend, options, description] of CLIENT_CONFIGURATIONS) {
    const createdAgo = random.int(2 * DAY, 200 * DAY);
    const version = BigInt(random.int(1, 5));
    const createdBy = random.pick(ACTORS);
    state.clientConfigurations.set(
      name,
      create(ClientConfigurationSchema, {
        name,
        namespace,
        pattern,
        backend,
        options,
        description,
        createTime: timestampFromDate(new Date(now - createdAgo)),
        createdBy,
        updateTime: timestampFromDate(
          new Date(now - (version === 1n ? createdAgo : random.int(HOUR, createdAgo))),
        ),
        updatedBy: version === 1n ? createdBy : random.pick(ACTORS),
        version,
      }),
    );
  }
}

function seedAudit(state: ControlPlaneState, random: Random, now: number): void {
  const requestId = () => `seed-${random.hex(8)}-${random.hex(4)}`;
  const success = (
    actor: string,
    operation: string,
    resource: string,
    namespace: string,
    reason: string,
  ): AuditEntryInit => ({
    actor,
    operation,
    resource,
    namespace,
    outcome: AuditOutcome.SUCCESS,
    reason,
    requestId: requestId(),
  });
  const entries: AuditEntryInit[] = [
    success(
      'alice',
      'CreateNamespace',
      'namespaces/experiments-ab',
      'experiments-ab',
      'New A/B platform',
    ),
    success(
      'bob',
      'UpdateNamespace',
      'namespaces/orders-prod',
      'orders-prod',
      'Raise quota for the sale',
    ),
    success(
      'priya',
      'TerminateClientSession',
      `sessions/sess-${random.hex(12)}`,
      'user-sessions',
      'Client stuck in a retry loop',
    ),
    success('carol', 'SetMaintenanceMode', 'maintenance', '', 'Postgres minor upgrade'),
    success('carol', 'SetMaintenanceMode', 'maintenance', '', 'Upgrade finished'),
    success(
      'dmitri',
      'UpdateNamespace',
      'namespaces/ad-impressions',
      'ad-impressions',
      'Partner paused',
    ),
    // One refusal, so the audit page shows what a failed change looks like.
    {
      actor: 'bob',
      operation: 'DeleteNamespace',
      resource: 'namespaces/payments-ledger',
      namespace: 'payments-ledger',
      outcome: AuditOutcome.FAILURE,
      errorCode: 'failed_precondition',
      errorMessage: 'namespace payments-ledger is at version 7, not 6; read it again and retry',
      reason: 'Cleanup of old namespaces',
      requestId: requestId(),
    },
  ];
  // Spread over the last two days, appended oldest first like the live log.
  const times = entries.map(() => now - random.int(10 * MINUTE, 2 * DAY)).sort((a, b) => a - b);
  for (const [i, entry] of entries.entries()) {
    state.appendAudit(entry, new Date(times[i] ?? now));
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
