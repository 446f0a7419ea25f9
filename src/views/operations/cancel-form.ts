import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeProblem } from '../../forms/envelope.js';
import { type FormErrors, fieldErrorsFrom, type ViolationMap } from '../../forms/errors.js';
import { reasonField } from '../../forms/fields.js';
import { defineNotices } from '../../forms/notices.js';

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
    confirm: z
      .string()
      .min(1, 'Type the operation id to confirm.')
      .refine((typed) => typed === id, 'The id you typed does not match this operation.'),
  } satisfies Record<CancelField, z.ZodType>);
  const parsed = schema.safeParse(values);
  const problem = envelopeProblem(values, false);
  if (!parsed.success || problem) {
    const errors = parsed.success
      ? { fields: {}, general: [] }
      : fieldErrorsFrom(parsed.error.issues, cancelOperationForm.visible);
    return { ok: false, errors: { ...errors, general: problem ? [problem] : errors.general } };
  }
  return { ok: true, input: { reason: parsed.data.reason, requestId: values.request_id } };
}

/** The confirmations the operation page shows after a redirect. */
export const operationNotices = defineNotices({
  started: 'Drain started. It runs on the control plane: you may leave this page.',
  cancelled: 'Operation cancelled. Sessions it had not closed yet stay open.',
});
export const OPERATION_NOTICES = ['started', 'cancelled'] as const;
