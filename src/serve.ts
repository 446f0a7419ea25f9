/**
 * Serve mode: configuration from the environment, HTTP timeouts, listen, and a shutdown with an
 * upper bound. Started by src/server.ts (tsx, tests) or, built, by dist/src/server.js (the image,
 * `npm start`), which runs this module's bundle and then main(). It never starts the demo
 * companions (src/dev/demo.ts starts them, then this).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { SessionStoreUnavailable } from './sessions/index.js';

const NAME = 'prism-web-console';
/** Between two attempts to reach the session store at start. */
const START_RETRY_MS = 2000;

/**
 * Which sockets are answering a request right now. On shutdown every other one is closed at
 * once: idle keep-alive connections, and connections whose request never finished arriving
 * (a slow or stuck client), which Node would otherwise keep open until they time out.
 */
function trackConnections(server: Server) {
  const sockets = new Set<Socket>();
  const answering = new Set<Socket>();
  let draining = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      answering.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    answering.add(socket);
    response.once('close', () => {
      answering.delete(socket);
      // Answered while draining: nothing more is taken on this connection.
      if (draining) socket.end();
    });
  });
  return {
    /** Closes every connection not answering a request; later ones close when answered. */
    drain() {
      draining = true;
      for (const socket of sockets) if (!answering.has(socket)) socket.destroy();
    },
    get open() {
      return sockets.size;
    },
  };
}

async function serve(config: Config, app: FastifyInstance) {
  const connections = trackConnections(app.server);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(
      { signal, graceMs: config.shutdownGraceMs, timeoutMs: config.shutdownTimeoutMs },
      'shutting down: failing readiness, then closing',
    );
    app.shuttingDown = true;
    // Give the load balancer time to see readiness fail before the listener closes.
    if (config.shutdownGraceMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
    }
    // Whatever clients do, the process ends by this deadline.
    setTimeout(() => {
      app.log.error(
        { timeoutMs: config.shutdownTimeoutMs, openConnections: connections.open },
        'shutdown timed out: exiting with requests still open',
      );
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    const closed = app.close();
    connections.drain();
    await closed;
    app.log.info('shut down');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
}

/**
 * Builds the app, waiting for the session store (Redis) when it cannot be reached yet: one
 * line per attempt instead of a stack trace, and a SIGTERM meanwhile ends the wait.
 */
async function build(config: Config): Promise<FastifyInstance> {
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await buildApp({
          config,
          http: {
            // Longer than the idle timeout of load balancers in front (nginx, ALB: 60 s), so
            // they, not the console, close an idle connection and never reuse a closing one.
            keepAliveTimeout: 65_000,
            // A request (line, headers, up to 64 KB of body) must arrive within this.
            requestTimeout: 30_000,
            // A connection silent this long is dropped. Longer than the slowest control-plane
            // call a page may wait for, and than twice the event streams' heartbeat
            // (LIVE_HEARTBEAT_MS, at most 30 s).
            connectionTimeout: Math.max(60_000, config.controlPlane.timeoutMs + 10_000),
            // On close, idle keep-alive connections go at once (server.ts closes the rest).
            forceCloseConnections: 'idle',
          },
        });
      } catch (err) {
        if (!(err instanceof SessionStoreUnavailable)) throw err;
        if (stopped) process.exit(0);
        console.error(
          `${NAME}: waiting for the session store (attempt ${attempt}): ${err.message}; retrying in ${START_RETRY_MS / 1000} s`,
        );
        await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS));
        if (stopped) process.exit(0);
      }
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

/** Starts serve mode; resolves once it listens (exits the process when it must not start). */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${NAME}: refusing to start.\n${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  await serve(config, await build(config));
}
