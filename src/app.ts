import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Transport } from '@connectrpc/connect';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { LIVE_RENDER_HEADER, parseLiveRender } from './live/render-identity.js';
import { createServiceTokenSource } from './live/service-token.js';
import { redactingSerializers } from './log-redaction.js';
import auth from './plugins/auth.js';
import compression from './plugins/compression.js';
import controlPlane from './plugins/control-plane.js';
import csrf from './plugins/csrf.js';
import errors from './plugins/errors.js';
import htmx from './plugins/htmx.js';
import live from './plugins/live.js';
import maintenance from './plugins/maintenance.js';
import metrics, { instrumentSessionStore } from './plugins/metrics.js';
import operator from './plugins/operator.js';
import page from './plugins/page.js';
import securityHeaders from './plugins/security-headers.js';
import session from './plugins/session.js';
import sse from './plugins/sse.js';
import staticAssets from './plugins/static.js';
import theme from './plugins/theme.js';
import validation from './plugins/validation.js';
import { projectRoot } from './project-root.js';
import auditRoutes from './routes/audit/index.js';
import authRoutes from './routes/auth/index.js';
import backendRoutes from './routes/backends/index.js';
import clientConfigurationRoutes from './routes/client-configurations/index.js';
import clientSessionRoutes from './routes/client-sessions/index.js';
import clusterRoutes from './routes/cluster/index.js';
import consoleSessionRoutes from './routes/console-sessions/index.js';
import dashboardRoutes from './routes/dashboard/index.js';
import healthRoutes from './routes/health.js';
import namespaceRoutes from './routes/namespaces/index.js';
import operationRoutes from './routes/operations/index.js';
import maintenanceRoutes from './routes/operations/maintenance.js';
import preferenceRoutes from './routes/preferences/index.js';
import type { SessionStore } from './sessions/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** Set on SIGTERM: readiness fails first so traffic drains before the listener closes. */
    shuttingDown: boolean;
  }
}

export interface AppOptions {
  config: Config;
  /** Replaces the HTTP/2 control-plane transport (narrow unit tests only). */
  transport?: Transport;
  logger?: FastifyServerOptions['logger'];
  /** Several console instances in one test process share a store (as replicas share Redis). */
  sessionStore?: SessionStore;
  /** Timeouts and connection handling of the HTTP server (server.ts sets them for serve mode). */
  http?: Pick<
    FastifyServerOptions,
    'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'forceCloseConnections'
  >;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The logger options with the URL serializers that keep sign-in codes and tokens out. */
function redactingLogger(
  logger: FastifyServerOptions['logger'],
  level: Config['logLevel'],
): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const base = typeof logger === 'object' ? logger : { level };
  return { ...base, serializers: { ...base.serializers, ...redactingSerializers } };
}

/** Fastify asks for this only for a JSON Schema, which the console never gives it. */
function noJsonSchemas(): never {
  throw new Error('Route schemas are zod schemas (src/plugins/validation.ts), not JSON Schema');
}

/** Trusts the nearest `hops` proxies (as Fastify's number form does; its types lack it). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the console without listening: server.ts listens, tests inject. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: redactingLogger(options.logger, config.logLevel),
    // A live render (the fan-out's in-process request, src/live/hub.ts) is routine, one per
    // region and role at each change and every 15 s: its request lines only at debug. Only a
    // render carrying this process's secret qualifies, so no client can quiet its own lines.
    childLoggerFactory(logger, bindings, opts, raw) {
      const quiet =
        logger.level === 'info' && parseLiveRender(raw.headers[LIVE_RENDER_HEADER]) !== undefined;
      return logger.child(bindings, quiet ? { ...opts, level: 'warn' } : opts);
    },
    // Correlates a page with its control-plane calls: a caller's id is kept when it is sane.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 64 * 1024,
    // Request input is checked by zod (plugins/validation.ts) and no route has a response
    // schema: Fastify's JSON Schema compilers (ajv, fast-json-stringify) would otherwise be
    // loaded at every start for nothing.
    schemaController: {
      compilersFactory: { buildValidator: noJsonSchemas, buildSerializer: noJsonSchemas },
    },
    // request.ip from X-Forwarded-For only as far as the proxies in front are trusted.
    trustProxy:
      typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    ...options.http,
  });

  app.decorate('config', config);
  app.decorate('shuttingDown', false);
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  // Before any route, so that every request is measured.
  await app.register(metrics);
  // First, so that every answer carries the headers: 404s, errors and static files too.
  await app.register(securityHeaders, {
    hsts: config.publicUrl.protocol === 'https:',
    // Sign-out posts a form that is redirected to the identity provider's end-session page.
    formActionOrigins: [config.oidc.issuer.origin],
  });
  // Before static files and every route: it hooks each route as it is added.
  await app.register(compression);
  await app.register(formbody);
  await app.register(validation);
  await app.register(operator);
  await app.register(htmx);
  await app.register(sse);
  await app.register(staticAssets, { publicDir: join(projectRoot(), 'public') });
  await app.register(controlPlane, {
    url: config.controlPlane.url,
    timeoutMs: config.controlPlane.timeoutMs,
    readRetries: config.controlPlane.readRetries,
    keepaliveMs: config.controlPlane.keepaliveMs,
    tls: config.controlPlane.tls,
    metrics: app.metrics.controlPlane,
    ...(options.transport ? { transport: options.transport } : {}),
    // The replica as itself (its Watch, live renders): the issuer the auth plugin discovers.
    serviceToken: config.serviceClient
      ? createServiceTokenSource({
          ...config.serviceClient,
          issuer: config.oidc.issuer,
          audience: config.oidc.audience,
          discovered: () => app.oidcConfiguration(),
          logger: app.log.child({ component: 'service-token' }),
        })
      : undefined,
  });
  await app.register(page);
  await app.register(errors);
  await app.register(session, {
    key: config.session.key,
    secure: config.publicUrl.protocol === 'https:',
    redisUrl: config.session.redisUrl,
    ...(options.sessionStore ? { store: options.sessionStore } : {}),
  });
  instrumentSessionStore(app.sessions, app.metrics);
  await app.register(theme, { secure: config.publicUrl.protocol === 'https:' });
  await app.register(auth, { oidc: config.oidc, publicUrl: config.publicUrl });
  await app.register(csrf, { key: config.session.key, publicUrl: config.publicUrl });
  // The banner's state for every page: after auth, whose hook says who is signed in.
  await app.register(maintenance);
  // The replica's Watch (app.changes) and the fan-out to browsers (GET /live).
  await app.register(live);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(dashboardRoutes);
  await app.register(namespaceRoutes);
  await app.register(clientConfigurationRoutes);
  await app.register(backendRoutes);
  await app.register(clusterRoutes);
  await app.register(clientSessionRoutes);
  await app.register(consoleSessionRoutes);
  await app.register(preferenceRoutes);
  await app.register(auditRoutes);
  await app.register(maintenanceRoutes);
  await app.register(operationRoutes);
  return app;
}
