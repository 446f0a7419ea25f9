// The HTTP/2 listener. connectNodeAdapter serves gRPC, gRPC-Web and Connect on one port (h2c:
// HTTP/2 without TLS, fine on loopback). stop() must be quick and leave nothing behind: it ends
// streaming handlers through the router's shutdown signal, then destroys every open HTTP/2
// session, so clients see the server gone at once instead of waiting on idle connections.
// start() listens again on the same port, so a client that keeps its transport reconnects.

import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly routes: (router: ConnectRouter) => void;
  readonly interceptors: Interceptor[];
}

export class ControlPlaneServer {
  private server: http2.Http2Server | undefined;
  private shutdown: AbortController | undefined;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  /** Servers stop() has begun closing: a session they accept after that is closed at once. */
  private readonly stopped = new WeakSet<http2.Http2Server>();
  private port: number;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: ServerOptions) {
    this.port = options.port;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Concurrent start() calls share one attempt. */
  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    this.starting ??= this.listen().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async listen(): Promise<void> {
    // A fresh shutdown signal per run: the previous one is aborted for good.
    const shutdown = new AbortController();
    const handler = connectNodeAdapter({
      routes: this.options.routes,
      interceptors: this.options.interceptors,
      shutdownSignal: shutdown.signal,
    });
    const server = http2.createServer(handler);
    server.on('session', (session) => {
      // A connection accepted just as stop() began (a client reconnecting at once — the
      // console's Watch does): closed too, or server.close() would wait for it for ever.
      if (this.stopped.has(server)) {
        session.destroy();
        return;
      }
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
      // A client that vanishes mid-stream is routine here; never let it crash the process.
      session.on('error', () => {});
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.shutdown = shutdown;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopped.add(server);
    // Streaming handlers (Watch, DrainConnections) end with UNAVAILABLE.
    this.shutdown?.abort(new ConnectError('the control plane is stopping', Code.Unavailable));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // One turn of the event loop lets the aborted handlers write their final frames.
    await new Promise((resolve) => setImmediate(resolve));
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
    await closed;
  }
}
