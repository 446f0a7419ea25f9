import { type FSWatcher, readFileSync, watch } from 'node:fs';
import type { SecureClientSessionOptions } from 'node:http2';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { Http2SessionManager, type Http2SessionOptions } from '@connectrpc/connect-node';
import type { ControlPlaneTls } from '../config.js';

/*
 * TLS to the control plane: the CA, client certificate and key files, read at start and again
 * when the mounted files change (Kubernetes rotates a Secret by swapping a symlink).
 */

/** The TLS files' contents as http2.connect() takes them; throws naming an unreadable file. */
export function readTlsFiles(tls: ControlPlaneTls): SecureClientSessionOptions {
  const read = (file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the control plane TLS file ${file}`, { cause: err });
    }
  };
  const [ca, cert, key] = [read(tls.caFile), read(tls.certFile), read(tls.keyFile)];
  // Refuses a half-written or mismatched set (a rotation in progress) before it is used.
  createSecureContext({ ca, cert, key });
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
  };
}

export const sameTls = (a: SecureClientSessionOptions, b: SecureClientSessionOptions) =>
  a.ca === b.ca && a.cert === b.cert && a.key === b.key;

/**
 * The transport's HTTP/2 connections, whose TLS settings can change: replace() makes new
 * connections use new ones, while calls in flight finish on the connection they started on
 * (which closes once idle).
 */
export class ReloadableSessions implements Pick<Http2SessionManager, 'authority' | 'request'> {
  readonly authority: string;
  private current: Http2SessionManager;
  private readonly managerOf = new WeakMap<object, Http2SessionManager>();

  constructor(
    private readonly url: string,
    private readonly options: Http2SessionOptions,
    tls: SecureClientSessionOptions,
  ) {
    this.current = new Http2SessionManager(url, options, tls);
    this.authority = this.current.authority;
  }

  replace(tls: SecureClientSessionOptions): void {
    this.current = new Http2SessionManager(this.url, this.options, tls);
  }

  async request(...args: Parameters<Http2SessionManager['request']>) {
    const manager = this.current;
    const stream = await manager.request(...args);
    this.managerOf.set(stream, manager);
    return stream;
  }

  notifyResponseByteRead(stream: Parameters<Http2SessionManager['notifyResponseByteRead']>[0]) {
    this.managerOf.get(stream)?.notifyResponseByteRead(stream);
  }
}

/**
 * Calls `onChange` once changes in the folders of `files` settle. Folders, not the files:
 * Kubernetes updates a mounted Secret by swapping a `..data` symlink beside them.
 */
export function watchFolders(files: string[], delayMs: number, onChange: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, delayMs).unref();
  };
  const watchers: FSWatcher[] = [...new Set(files.map((file) => dirname(resolve(file))))].map(
    (folder) => watch(folder, { persistent: false }, settle).on('error', () => {}),
  );
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
