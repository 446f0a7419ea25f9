import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeVersion } from '../../forms/envelope.js';
import type { FormErrors, ViolationMap } from '../../forms/errors.js';
import { confirmNameField, reasonField } from '../../forms/fields.js';
import { parseForm } from '../../forms/parse.js';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';

/* Deleting a namespace asks for a reason and its name typed out. */

export const deleteForm = defineForm({
  labels: { reason: 'Reason', confirm: 'Namespace name' },
  hidden: ['request_id', 'version'],
});
export type DeleteFormValues = FormValues<FieldOf<typeof deleteForm>>;
export type DeleteField = VisibleFieldOf<typeof deleteForm>;
export const deleteViolations: ViolationMap<DeleteField> = { reason: 'reason' };

export function emptyDeleteForm(ns: Namespace, requestId: string): DeleteFormValues {
  return { reason: '', confirm: '', request_id: requestId, version: ns.version.toString() };
}

export interface DeleteInput {
  reason: string;
  requestId: string;
  version: bigint;
}

export function parseDeleteForm(
  values: DeleteFormValues,
  name: string,
): { ok: true; input: DeleteInput } | { ok: false; errors: FormErrors<DeleteField> } {
  const schema = z.object({
    reason: reasonField,
    // Exact match, no trimming: the point is that the operator looked at what they delete.
    confirm: confirmNameField(name, 'namespace'),
  } satisfies Record<DeleteField, z.ZodType>);
  const parsed = parseForm(deleteForm, schema, values, true);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    input: {
      reason: parsed.data.reason,
      requestId: values.request_id,
      version: envelopeVersion(values),
    },
  };
}
