import { randomUUID } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { type CallOptions, Code, ConnectError } from '@connectrpc/connect';
import type { Browser, Locator, Page } from 'playwright-core';
import type { AuditEntry } from '../../src/gen/prism/admin/v1/audit_pb.js';
import type { NamespaceSchema } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { directClient } from '../grpc.js';
import { type BrowserStack, openPage, startBrowserStack, type Watched } from './browser.js';

/*
 * Shared by the namespaces browser tests: arranging and checking state behind the console's
 * back (through the demo control plane's own gRPC API), and reading what a page shows.
 */

export type DirectClient = ReturnType<typeof directClient>;

/** Generous waits: these tests share a 2-core machine with other suites. */
export const WAIT = { timeout: 15_000, interval: 100 } as const;

/** The browser stack of a namespaces test file, signed in as the admin. */
export interface NamespacesStack extends BrowserStack {
  /** The admin's client straight to the demo control plane, behind the console's back. */
  direct: DirectClient;
  /** openWatched in a new context signed in as the admin. */
  openAsAdmin(options?: { javaScriptEnabled?: boolean }): Promise<Watched>;
}

/** startBrowserStack with the admin signed in in the browser, and the admin's direct client. */
export async function startNamespacesStack(): Promise<NamespacesStack> {
  const e2e = await startBrowserStack({ signedIn: ['admin'] });
  const storageState = await e2e.state('admin');
  return {
    ...e2e,
    direct: directClient(e2e.stack.controlPlane.url, e2e.stack.admin.accessToken),
    openAsAdmin: (options = {}) => openWatched(e2e.browser, { ...options, storageState }),
  };
}

/** Creates a namespace directly on the control plane (not through the console). */
export async function seedNamespace(
  client: DirectClient,
  namespace: MessageInitShape<typeof NamespaceSchema> & { name: string },
  options: { reason?: string; callOptions?: CallOptions } = {},
) {
  const { namespace: created } = await client.createNamespace(
    {
      namespace,
      requestId: randomUUID(),
      reason: options.reason ?? 'arranged by a browser test',
    },
    options.callOptions,
  );
  if (!created) throw new Error(`the control plane did not return ${namespace.name}`);
  return created;
}

/** Whether the control plane has this namespace (NOT_FOUND means no; anything else throws). */
export async function exists(client: DirectClient, name: string): Promise<boolean> {
  try {
    await client.getNamespace({ name });
    return true;
  } catch (err) {
    if (err instanceof ConnectError && err.code === Code.NotFound) return false;
    throw err;
  }
}

/** Every audit entry about a namespace, newest first. */
export async function auditEntries(client: DirectClient, namespace: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const batch of client.getAuditLog({ namespace, limit: 1000 })) {
    entries.push(...batch.entries);
  }
  return entries;
}

/**
 * The names of the namespace rows on the page, top to bottom. Reads them in one go, without
 * waiting for any row, so a poll across a swap or a reload never hangs on a row that went away.
 */
export async function rowNames(page: Page): Promise<string[]> {
  const names = await page
    .locator('[data-testid="namespace-row"] > td:first-child')
    .allTextContents();
  return names.map((name) => name.trim());
}

/** openPage, with every locator wait and navigation bounded by WAIT instead of the test timeout. */
export async function openWatched(
  browser: Browser,
  options: Parameters<typeof openPage>[1] = {},
): Promise<Watched> {
  const watched = await openPage(browser, options);
  watched.page.setDefaultTimeout(WAIT.timeout);
  watched.page.setDefaultNavigationTimeout(WAIT.timeout);
  return watched;
}

/** The form field (label, hint, error and control) that posts under `name`. */
export function field(scope: Page | Locator, name: string): Locator {
  return scope.locator(`[data-field="${name}"]`);
}

/** A path and query of the page's current URL, e.g. "/namespaces?q=x". */
export function currentPath(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/** A name nobody else uses: tests in one file share one control plane. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * What the browser logs for an answer it was meant to get: Chromium reports every 4xx of a
 * fetch as "Failed to load resource". htmx itself stays quiet about 409 and 422 (the layout's
 * config swaps them as answers: the form again, with messages). Everything else stays.
 */
export function unexpectedErrors(pageErrors: readonly string[], statuses: readonly number[]) {
  return pageErrors.filter(
    (message) =>
      !statuses.some((status) =>
        message.startsWith(
          `Failed to load resource: the server responded with a status of ${status} `,
        ),
      ),
  );
}

/** Polls a reading of the page that may race a navigation (then it is retried). */
export function settled<T>(read: () => Promise<T>): () => Promise<T | undefined> {
  return async () => {
    try {
      return await read();
    } catch {
      return undefined;
    }
  };
}
