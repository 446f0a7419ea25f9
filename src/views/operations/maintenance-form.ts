import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeProblem, INCOMPLETE_FORM } from '../../forms/envelope.js';
import { type FormErrors, fieldErrorsFrom, type ViolationMap } from '../../forms/errors.js';
import { reasonField } from '../../forms/fields.js';
import { defineNotices } from '../../forms/notices.js';
import type {
  MaintenanceStatus,
  SetMaintenanceModeRequestSchema,
} from '../../gen/prism/admin/v1/operations_pb.js';

/*
 * Turning maintenance mode on, changing it, and ending it: two steps on one route. The form
 * (message, scheduled end, reason) posts `step=preview`; the preview shows who will be told and
 * asks for a typed confirmation, and posts `step=confirm`, which calls SetMaintenanceMode. The
 * request id is made when the form is shown and carried through both steps.
 */

/** What the control plane keeps at most (its own rule; checked here first, beside the field). */
export const MAX_MESSAGE_LENGTH = 1024;

export const maintenanceForm = defineForm({
  labels: {
    message: 'Message',
    scheduled_end: 'Scheduled end (UTC)',
    reason: 'Reason',
    confirm: 'Confirmation',
  },
  // `step` is the submit button's name: which button was pressed says what to do.
  hidden: ['request_id', 'mode', 'step'],
});
export type MaintenanceFormValues = FormValues<FieldOf<typeof maintenanceForm>>;
export type MaintenanceField = VisibleFieldOf<typeof maintenanceForm>;

/** Turn on (or change while on), or end. */
export type MaintenanceMode = 'enable' | 'end';
/** Show the form; show the preview; apply. */
export type MaintenanceStep = 'edit' | 'preview' | 'confirm';

/** What the operator types on the preview to apply it. */
export const CONFIRM_WORD: Readonly<Record<MaintenanceMode, string>> = {
  enable: 'maintenance',
  end: 'end',
};

export const maintenanceViolations: ViolationMap<MaintenanceField> = {
  message: 'message',
  scheduled_end_time: 'scheduled_end',
  reason: 'reason',
};

export const maintenanceNotices = defineNotices({
  enabled: 'Maintenance mode is on.',
  changed: 'Maintenance mode changed.',
  ended: 'Maintenance mode is off.',
});
export type MaintenanceNotice = 'enabled' | 'changed' | 'ended';

export function modeOf(values: MaintenanceFormValues): MaintenanceMode | undefined {
  return values.mode === 'enable' || values.mode === 'end' ? values.mode : undefined;
}

export function stepOf(values: MaintenanceFormValues): MaintenanceStep {
  // No step (an old browser's implicit submission): the preview, which never applies anything.
  return values.step === 'edit' || values.step === 'confirm' ? values.step : 'preview';
}

/** `2026-12-02T11:30` (UTC) for a datetime-local input; '' when unset. */
export function datetimeLocalValue(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}

/** The form as first shown: for `enable` while on, the current message and end to change. */
export function initialMaintenanceForm(
  mode: MaintenanceMode,
  requestId: string,
  current: MaintenanceStatus | undefined,
): MaintenanceFormValues {
  const on = mode === 'enable' && current?.enabled === true;
  const end = current?.scheduledEndTime;
  return {
    message: on ? current.message : '',
    scheduled_end:
      on && end ? datetimeLocalValue(Number(end.seconds) * 1000 + end.nanos / 1e6) : '',
    reason: '',
    confirm: '',
    request_id: requestId,
    mode,
    step: '',
  };
}

const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A datetime-local value read as UTC; undefined when it is no real time. */
export function parseDatetimeLocal(value: string): number | undefined {
  const m = DATETIME_LOCAL.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // 2026-02-31 rolls over to March: not a date anyone meant.
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1) return undefined;
  return ms;
}

/** What a valid form asks for. */
export interface MaintenanceInput {
  mode: MaintenanceMode;
  message: string;
  /** Milliseconds since the epoch; undefined for no scheduled end. */
  scheduledEndMs: number | undefined;
  reason: string;
  requestId: string;
}

export type MaintenanceParse =
  | { ok: true; input: MaintenanceInput }
  | { ok: false; errors: FormErrors<MaintenanceField> };

/**
 * Reads the form. `confirming`: the typed confirmation is checked too (the preview's post).
 * Nothing is trimmed from the message but its ends: it is shown as typed.
 */
export function parseMaintenanceForm(
  values: MaintenanceFormValues,
  now: Date,
  confirming: boolean,
): MaintenanceParse {
  const mode = modeOf(values);
  const problem = envelopeProblem(values, false) ?? (mode ? undefined : INCOMPLETE_FORM);
  if (problem || !mode) return { ok: false, errors: { fields: {}, general: [problem ?? ''] } };
  const enabling = mode === 'enable';
  const schema = z.object({
    message: enabling
      ? z
          .string()
          .trim()
          .min(1, 'Write the message operators and clients see while maintenance is on.')
          .max(MAX_MESSAGE_LENGTH, `Keep the message to at most ${MAX_MESSAGE_LENGTH} characters.`)
      : z.string(),
    scheduled_end: enabling
      ? z
          .string()
          .trim()
          .refine(
            (v) => v === '' || parseDatetimeLocal(v) !== undefined,
            'Enter a date and time, such as 2026-12-24T18:00 (UTC), or leave it empty.',
          )
          .refine(
            (v) => v === '' || (parseDatetimeLocal(v) ?? 0) > now.getTime(),
            'The scheduled end has to be in the future.',
          )
      : z.string(),
    reason: reasonField,
    confirm: confirming
      ? z
          .string()
          .trim()
          .min(1, `Type ${CONFIRM_WORD[mode]} to confirm.`)
          .refine(
            (typed) => typed.toLowerCase() === CONFIRM_WORD[mode],
            `That does not match: type ${CONFIRM_WORD[mode]} to confirm.`,
          )
      : z.string(),
  } satisfies Record<MaintenanceField, z.ZodType>);
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    return { ok: false, errors: fieldErrorsFrom(parsed.error.issues, maintenanceForm.visible) };
  }
  const end = enabling ? parseDatetimeLocal(parsed.data.scheduled_end) : undefined;
  return {
    ok: true,
    input: {
      mode,
      message: enabling ? parsed.data.message : '',
      scheduledEndMs: end,
      reason: parsed.data.reason,
      requestId: values.request_id,
    },
  };
}

/** The SetMaintenanceMode request a form sends (also the "Copy as command" request). */
export function setMaintenanceRequest(
  input: Omit<MaintenanceInput, 'requestId' | 'reason'> & { requestId: string; reason: string },
): MessageInitShape<typeof SetMaintenanceModeRequestSchema> {
  const enabled = input.mode === 'enable';
  return {
    enabled,
    message: enabled ? input.message : '',
    ...(enabled && input.scheduledEndMs !== undefined
      ? { scheduledEndTime: timestampFromMs(input.scheduledEndMs) }
      : {}),
    requestId: input.requestId,
    reason: input.reason,
  };
}

/** The request the form would send with what it holds now, whether or not it is valid yet. */
export function requestFromValues(
  values: MaintenanceFormValues,
): MessageInitShape<typeof SetMaintenanceModeRequestSchema> {
  const mode = modeOf(values) ?? 'enable';
  return setMaintenanceRequest({
    mode,
    message: values.message.trim(),
    scheduledEndMs: parseDatetimeLocal(values.scheduled_end),
    reason: values.reason.trim(),
    requestId: values.request_id,
  });
}

/** The notice after it was applied: on (it was off), changed (it was on), or off. */
export function appliedNotice(mode: MaintenanceMode, wasOn: boolean): MaintenanceNotice {
  if (mode === 'end') return 'ended';
  return wasOn ? 'changed' : 'enabled';
}
