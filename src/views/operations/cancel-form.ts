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

/*
 * Cancelling an operation: a reason and the operation id typed out. The control plane stops it
 * where it stands; sessions it has not closed yet stay open.
 */

export const cancelOperationForm = defineForm({
  labels: { reason: 'Reason', confirm: 'Operation id' },
  hidden: ['request_id'],
});
export type CancelFormValues = FormValues<FieldOf<typeof cancelOperationForm>>;
export type CancelField = VisibleFieldOf<typeof cancelOperationForm>;
export const cancelViolations: ViolationMap<CancelField> = { reason: 'reason' };

export function emptyCancelForm(requestId: string): CancelFormValues {
  return { reason: '', confirm: '', request_id: requestId };
}

export interface CancelInput {
  reason: string;
  requestId: string;
}

export function parseCancelForm(
  values: CancelFormValues,
  id: string,
): { ok: true; input: CancelInput } | { ok: false; errors: FormErrors<CancelField> } {
  const schema = z.object({
    reason: reasonField,
    confirm: confirmIdField(id, 'operation'),
  } satisfies Record<CancelField, z.ZodType>);
  const parsed = parseForm(cancelOperationForm, schema, values, false);
  if (!parsed.ok) return parsed;
  return { ok: true, input: { reason: parsed.data.reason, requestId: values.request_id } };
}

/** The confirmations the operation page shows after a redirect. */
export const operationNotices = defineNotices({
  started: 'Drain started. It runs on the control plane: you may leave this page.',
  cancelled: 'Operation cancelled. Sessions it had not closed yet stay open.',
});
export const OPERATION_NOTICES = ['started', 'cancelled'] as const;
