import type { MessageInitShape } from '@bufbuild/protobuf';
import type { TerminateClientSessionRequestSchema } from '../gen/prism/admin/v1/client_session_pb.js';
import type {
  CreateNamespaceRequestSchema,
  DeleteNamespaceRequestSchema,
  UpdateNamespaceRequestSchema,
} from '../gen/prism/admin/v1/namespace_pb.js';
import { type BulkInput, sessionRequestId } from './client-sessions/bulk.js';
import type { TerminateInput } from './client-sessions/terminate.js';
import type { DeleteInput } from './namespaces/delete.js';
import { type NamespaceFormValues, type NamespaceInput, updateMask } from './namespaces/form.js';

/*
 * The request each action form sends, built in one place: the route sends exactly this message,
 * and "Copy as command" (src/views/commands-forms.ts) prints exactly this message, so the two
 * cannot drift apart.
 */

export type CreateNamespaceInit = MessageInitShape<typeof CreateNamespaceRequestSchema>;
export type UpdateNamespaceInit = MessageInitShape<typeof UpdateNamespaceRequestSchema>;
export type DeleteNamespaceInit = MessageInitShape<typeof DeleteNamespaceRequestSchema>;
export type TerminateSessionInit = MessageInitShape<typeof TerminateClientSessionRequestSchema>;

/** The Namespace message of a valid form. */
function namespaceMessage(input: NamespaceInput) {
  return {
    name: input.name,
    description: input.description,
    status: input.status,
    quota: input.quota,
    config: input.config,
    version: input.version,
  };
}

export function createNamespaceRequest(input: NamespaceInput): CreateNamespaceInit {
  return {
    namespace: namespaceMessage(input),
    requestId: input.requestId,
    reason: input.reason,
  };
}

/** `values` are the form's own: the update mask names only what the operator changed. */
export function updateNamespaceRequest(
  input: NamespaceInput,
  values: NamespaceFormValues,
): UpdateNamespaceInit {
  return {
    namespace: namespaceMessage(input),
    // Only the fields the operator changed (see updateMask for why and how).
    updateMask: { paths: updateMask(values) },
    requestId: input.requestId,
    reason: input.reason,
  };
}

export function deleteNamespaceRequest(name: string, input: DeleteInput): DeleteNamespaceInit {
  return { name, version: input.version, requestId: input.requestId, reason: input.reason };
}

export function terminateSessionRequest(id: string, input: TerminateInput): TerminateSessionInit {
  return { id, force: input.force, reason: input.reason, requestId: input.requestId };
}

/** One session of a bulk termination: its own request id, derived from the confirmation's. */
export function bulkTerminateRequest(input: BulkInput, id: string): TerminateSessionInit {
  return terminateSessionRequest(id, {
    force: input.force,
    reason: input.reason,
    requestId: sessionRequestId(input.requestId, id),
  });
}
