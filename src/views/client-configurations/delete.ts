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

/* Deleting a client configuration asks for a reason and its name typed out. */

export const deleteConfigurationForm = defineForm({
  labels: { reason: 'Reason', confirm: 'Configuration name' },
  hidden: ['request_id', 'version'],
});
export type DeleteConfigurationValues = FormValues<FieldOf<typeof deleteConfigurationForm>>;
export type DeleteConfigurationField = VisibleFieldOf<typeof deleteConfigurationForm>;
export const deleteConfigurationViolations: ViolationMap<DeleteConfigurationField> = {
  reason: 'reason',
};

export function emptyDeleteConfigurationForm(
  version: bigint,
  requestId: string,
): DeleteConfigurationValues {
  return { reason: '', confirm: '', request_id: requestId, version: version.toString() };
}

export function parseDeleteConfigurationForm(
  values: DeleteConfigurationValues,
  name: string,
):
  | { ok: true; input: { reason: string; requestId: string; version: bigint } }
  | { ok: false; errors: FormErrors<DeleteConfigurationField> } {
  const schema = z.object({
    reason: reasonField,
    confirm: confirmNameField(name, 'client configuration'),
  } satisfies Record<DeleteConfigurationField, z.ZodType>);
  const parsed = parseForm(deleteConfigurationForm, schema, values, true);
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
