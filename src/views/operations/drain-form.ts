import type { MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
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
import type { DrainConnectionsRequestSchema } from '../../gen/prism/admin/v1/operations_pb.js';

/*
 * Draining: a target (one namespace, or all of them), a deadline (bounded like the control
 * plane: at most one hour), force at the deadline, and a reason. Two steps: the first post
 * shows the impact and asks for the target typed out; the second starts the drain.
 */

/** The target select's value for every namespace (no namespace name can be this). */
export const ALL_NAMESPACES = '*';
/** What the operator types to confirm a drain of every namespace. */
export const ALL_NAMESPACES_CONFIRM = 'all namespaces';
/** The control plane's bound (DrainConnections refuses longer deadlines). */
export const MAX_DEADLINE_MS = 60 * 60_000;
export const DEFAULT_DEADLINE = { amount: '5', unit: 'minutes' } as const;

export const DEADLINE_UNITS = { seconds: 1000, minutes: 60_000 } as const;
export type DeadlineUnit = keyof typeof DEADLINE_UNITS;

/** A checkbox sends this when ticked, and nothing when not. */
export const CHECKED = 'on';

/** The steps: the form, the preview with the typed confirmation, and "Back" from the preview. */
export const DRAIN_STEPS = { preview: 'preview', confirm: 'confirm', edit: 'edit' } as const;

export const drainForm = defineForm({
  labels: {
    target: 'Target',
    deadline: 'Deadline',
    deadline_unit: 'Unit',
    force: 'Close sessions still open at the deadline',
    reason: 'Reason',
    confirm: 'Confirm the target',
  },
  hidden: ['request_id', 'step'],
});
export type DrainFormValues = FormValues<FieldOf<typeof drainForm>>;
export type DrainField = VisibleFieldOf<typeof drainForm>;
export const drainViolations: ViolationMap<DrainField> = {
  namespace: 'target',
  all_namespaces: 'target',
  target: 'target',
  deadline: 'deadline',
  force: 'force',
  reason: 'reason',
};

export function emptyDrainForm(requestId: string, namespace: string | undefined): DrainFormValues {
  return {
    target: namespace ?? '',
    deadline: DEFAULT_DEADLINE.amount,
    deadline_unit: DEFAULT_DEADLINE.unit,
    force: '',
    reason: '',
    confirm: '',
    request_id: requestId,
    step: DRAIN_STEPS.preview,
  };
}

export interface DrainInput {
  /** undefined: every namespace. */
  namespace: string | undefined;
  deadlineMs: number;
  force: boolean;
  reason: string;
  requestId: string;
}

/** What the operator types to confirm this target. */
export function confirmText(target: string): string {
  return target === ALL_NAMESPACES ? ALL_NAMESPACES_CONFIRM : target;
}

/** "orders-prod", "all namespaces": a target in a sentence. */
export function targetLabel(target: string): string {
  return target === ALL_NAMESPACES ? 'all namespaces' : target;
}

export type DrainParse =
  | { ok: true; input: DrainInput }
  | { ok: false; errors: FormErrors<DrainField> };

/**
 * Reads the form. `confirming`: the typed confirmation must match the target too (the second
 * step); `namespaces`: the names that exist, when known, so a stale choice is said at once.
 */
export function parseDrainForm(
  values: DrainFormValues,
  options: { confirming: boolean; namespaces?: readonly string[] | undefined },
): DrainParse {
  const schema = z
    .object({
      target: z
        .string()
        .min(1, 'Choose a namespace, or all namespaces.')
        .refine(
          (t) => t === ALL_NAMESPACES || !options.namespaces || options.namespaces.includes(t),
          'There is no such namespace (any more); choose another.',
        ),
      deadline: z
        .string()
        .trim()
        .regex(/^\d{1,7}$/, 'Enter the deadline as a whole number.')
        .transform(Number)
        .pipe(z.number().min(1, 'Enter a deadline of at least 1.')),
      deadline_unit: z.enum(['seconds', 'minutes'], { message: 'Choose seconds or minutes.' }),
      force: z.string(),
      reason: reasonField,
      confirm: z.string(),
    } satisfies Record<DrainField, z.ZodType>)
    .superRefine((v, ctx) => {
      if (v.deadline * DEADLINE_UNITS[v.deadline_unit] > MAX_DEADLINE_MS) {
        ctx.addIssue({
          code: 'custom',
          path: ['deadline'],
          message: 'The deadline can be at most one hour (60 minutes, 3600 seconds).',
        });
      }
      if (options.confirming) {
        const expected = confirmText(v.target);
        if (v.confirm === '') {
          ctx.addIssue({
            code: 'custom',
            path: ['confirm'],
            message: `Type ${expected} to confirm.`,
          });
        } else if (v.confirm !== expected) {
          ctx.addIssue({
            code: 'custom',
            path: ['confirm'],
            message: `What you typed does not match the target: type ${expected}.`,
          });
        }
      }
    });
  const parsed = schema.safeParse(values);
  const problem = envelopeProblem(values, false);
  if (!parsed.success || problem) {
    const errors = parsed.success
      ? { fields: {}, general: [] }
      : fieldErrorsFrom(parsed.error.issues, drainForm.visible);
    return { ok: false, errors: { ...errors, general: problem ? [problem] : errors.general } };
  }
  const { data } = parsed;
  return {
    ok: true,
    input: {
      namespace: data.target === ALL_NAMESPACES ? undefined : data.target,
      deadlineMs: data.deadline * DEADLINE_UNITS[data.deadline_unit],
      force: values.force === CHECKED,
      reason: data.reason,
      requestId: values.request_id,
    },
  };
}

/** The DrainConnections request the form sends (also for "Copy as command"). */
export function drainRequest(
  input: DrainInput,
): MessageInitShape<typeof DrainConnectionsRequestSchema> {
  return {
    target:
      input.namespace === undefined
        ? { case: 'allNamespaces', value: true }
        : { case: 'namespace', value: input.namespace },
    deadline: durationFromMs(input.deadlineMs),
    force: input.force,
    requestId: input.requestId,
    reason: input.reason,
  };
}

/** The request as far as the form's values tell (for the command under a form being filled in). */
export function drainRequestFromValues(
  values: DrainFormValues,
): MessageInitShape<typeof DrainConnectionsRequestSchema> {
  const unit = values.deadline_unit === 'seconds' ? 'seconds' : 'minutes';
  const amount = /^\d{1,7}$/.test(values.deadline.trim()) ? Number(values.deadline.trim()) : 0;
  return {
    ...(values.target === ALL_NAMESPACES
      ? { target: { case: 'allNamespaces' as const, value: true } }
      : values.target
        ? { target: { case: 'namespace' as const, value: values.target } }
        : {}),
    deadline: durationFromMs(amount * DEADLINE_UNITS[unit]),
    force: values.force === CHECKED,
    requestId: values.request_id,
    reason: values.reason,
  };
}
