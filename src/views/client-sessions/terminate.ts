import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import type { FormErrors, ViolationMap } from '../../forms/errors.js';
import { confirmIdField, reasonField } from '../../forms/fields.js';
import { defineNotices } from '../../forms/notices.js';
import { parseForm } from '../../forms/parse.js';
import { type ClientSession, SessionStatus } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { Role } from '../../plugins/operator.js';

/*
 * Terminating one session: a reason, the session id typed out, and the force option. The
 * control plane either closes it or, with requests in flight and no force, marks it EXPIRING
 * and closes it when they finish; the notice after the redirect says which.
 */

/** The least role that may terminate a client session (the control plane's TerminateClientSession). */
export const TERMINATE_SESSIONS_ROLE: Role = 'operator';

/** A checkbox sends this when ticked, and nothing when not. */
export const CHECKED = 'on';

export const terminateForm = defineForm({
  labels: {
    reason: 'Reason',
    confirm: 'Session id',
    force: 'Close it now, even with requests in flight',
  },
  hidden: ['request_id'],
});
export type TerminateFormValues = FormValues<FieldOf<typeof terminateForm>>;
export type TerminateField = VisibleFieldOf<typeof terminateForm>;
export const terminateViolations: ViolationMap<TerminateField> = { reason: 'reason' };

export function emptyTerminateForm(requestId: string): TerminateFormValues {
  return { reason: '', confirm: '', force: '', request_id: requestId };
}

export interface TerminateInput {
  reason: string;
  force: boolean;
  requestId: string;
}

export function parseTerminateForm(
  values: TerminateFormValues,
  id: string,
): { ok: true; input: TerminateInput } | { ok: false; errors: FormErrors<TerminateField> } {
  const schema = z.object({
    reason: reasonField,
    // Exact match, no trimming: the operator looked at which session they close.
    confirm: confirmIdField(id, 'session'),
    force: z.string(),
  } satisfies Record<TerminateField, z.ZodType>);
  const parsed = parseForm(terminateForm, schema, values, false);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    input: {
      reason: parsed.data.reason,
      force: values.force === CHECKED,
      requestId: values.request_id,
    },
  };
}

/** What the control plane did, as the detail page's notice says it. */
export const sessionNotices = defineNotices({
  terminated: 'Session terminated.',
  expiring:
    'Session marked expiring: it had requests in flight, and it closes when they finish. Terminate it with force to close it now.',
});
export type SessionNotice = 'terminated' | 'expiring';

/** The notice for the session the control plane answered with. */
export function terminatedNotice(session: ClientSession | undefined): SessionNotice {
  return session?.status === SessionStatus.EXPIRING ? 'expiring' : 'terminated';
}
