import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { Document } from 'happy-dom';
import { SessionStatus } from '../../../src/gen/prism/admin/v1/client_session_pb.js';
import { textOf } from '../../components/namespaces/html.js';
import { directClient } from '../../grpc.js';
import type { Stack } from '../../helper.js';
import { fill, type Posted, send } from '../client-sessions/support.js';
import { getPage, type Injector } from '../namespaces/support.js';

export const DRAIN_FORM = 'form[aria-label="Drain connections"]';
export const CANCEL_FORM = 'form[aria-label="Cancel operation"]';

/** Open sessions (what a drain targets) of a namespace, or of all with undefined. */
export function openSessions(stack: Stack, namespace?: string): number {
  return stack.controlPlane.state.openSessions(namespace).length;
}

export function sessionsWithStatus(stack: Stack, namespace: string, status: SessionStatus) {
  return stack.controlPlane.state.openSessions(namespace).filter((s) => s.status === status).length;
}

export const EXPIRING = SessionStatus.EXPIRING;

/** The drain form filled in and posted (step one); returns the preview's answer and what was posted. */
export async function previewDrain(
  as: Injector,
  options: {
    namespace?: string;
    target?: string;
    deadline?: string;
    unit?: 'seconds' | 'minutes';
    force?: boolean;
    reason?: string;
    headers?: Record<string, string>;
  },
) {
  const url = options.namespace
    ? `/operations/drain?namespace=${options.namespace}`
    : '/operations/drain';
  const { response, doc } = await getPage(as, url);
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode}`);
  const values: Record<string, string> = {
    Deadline: options.deadline ?? '2',
    Unit: options.unit ?? 'seconds',
    Reason: options.reason ?? 'Route test drain',
  };
  if (options.target !== undefined) values.Target = options.target;
  const posted = fill(doc, DRAIN_FORM, {
    values,
    tickLabels: options.force ? ['Close sessions still open at the deadline'] : [],
  });
  const answer = await send(as, posted, options.headers);
  return { posted, answer };
}

/** The preview's form with the confirmation typed. */
export function confirmFrom(doc: Document, typed: string): Posted {
  return fill(doc, DRAIN_FORM, { values: { 'Confirm the target': typed } });
}

export function text(doc: Document, testId: string): string {
  return textOf(doc.querySelector(`[data-testid="${testId}"]`));
}

/** Starts a drain straight on the control plane (as another client would) and returns its id. */
export async function startDrainDirect(
  stack: Stack,
  options: { namespace?: string; deadlineMs: number; force?: boolean; requestId?: string },
): Promise<string> {
  const client = directClient(stack.controlPlane.url, stack.admin.accessToken);
  const abort = new AbortController();
  const stream = client.drainConnections(
    {
      target:
        options.namespace === undefined
          ? { case: 'allNamespaces', value: true }
          : { case: 'namespace', value: options.namespace },
      deadline: durationFromMs(options.deadlineMs),
      force: options.force ?? false,
      requestId: options.requestId ?? `direct-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      reason: 'Started by another client',
    },
    { signal: abort.signal },
  );
  try {
    for await (const first of stream) return first.operationId;
  } finally {
    abort.abort();
  }
  throw new Error('no message');
}

/** Waits until the operation is done (following WatchOperation). */
export async function waitDone(stack: Stack, id: string): Promise<void> {
  const client = directClient(stack.controlPlane.url, stack.admin.accessToken);
  for await (const { operation } of client.watchOperation({ id })) if (operation?.done) return;
}
