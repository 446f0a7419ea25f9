import { z } from 'zod';
import {
  defineForm,
  type FieldOf,
  type FormValues,
  type VisibleFieldOf,
} from '../../forms/contract.js';
import { envelopeProblem, envelopeVersion } from '../../forms/envelope.js';
import { type FormErrors, fieldErrorsFrom, type ViolationMap } from '../../forms/errors.js';
import { limitField, reasonField } from '../../forms/fields.js';
import type { Namespace, NamespaceStatus } from '../../gen/prism/admin/v1/namespace_pb.js';
import { formatTime } from '../format.js';
import { parseStorage, storageInput } from '../quantities.js';
import { STATUS_SLUGS, statusBySlug, statusInfo } from './status.js';

/* The create and edit form: its field contract, what it shows, and what it asks for. */

/** Every field the form posts, with its label; the component and the parser both come from here. */
export const namespaceForm = defineForm({
  labels: {
    name: 'Name',
    description: 'Description',
    status: 'Status',
    max_sessions: 'Max sessions',
    max_storage: 'Max storage',
    max_rps: 'Max requests per second',
    config: 'Configuration',
    reason: 'Reason',
  },
  hidden: ['request_id', 'version'],
});
export type NamespaceFormValues = FormValues<FieldOf<typeof namespaceForm>>;
/** The fields the operator fills in (the request id and version travel hidden). */
export type NamespaceField = VisibleFieldOf<typeof namespaceForm>;

/** Where the control plane's field violations go in this form. */
export const namespaceViolations: ViolationMap<NamespaceField> = {
  name: 'name',
  'namespace.name': 'name',
  'namespace.description': 'description',
  'namespace.status': 'status',
  'namespace.quota.max_sessions': 'max_sessions',
  'namespace.quota.max_storage_bytes': 'max_storage',
  'namespace.quota.max_rps': 'max_rps',
  'namespace.config': 'config',
  reason: 'reason',
};

export const NAMESPACE_EXISTS = 'A namespace with this name already exists; choose another name.';

export function emptyNamespaceForm(requestId: string): NamespaceFormValues {
  return {
    ...namespaceForm.empty(),
    status: 'active',
    max_sessions: '0',
    max_storage: '0',
    max_rps: '0',
    request_id: requestId,
  };
}

const CONFIG_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/;

/** Reads `key=value` lines; blank lines and lines starting with `#` are skipped. */
export function parseConfig(
  input: string,
): { ok: true; config: Record<string, string> } | { ok: false; message: string } {
  const config: Record<string, string> = {};
  const lines = input.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = `Line ${index + 1}`;
    const eq = line.indexOf('=');
    if (eq < 0) return { ok: false, message: `${at}: write each setting as key=value.` };
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!CONFIG_KEY.test(key)) {
      return {
        ok: false,
        message: `${at}: a key is letters, digits, ".", "_", "/" or "-", starting with a letter or digit.`,
      };
    }
    if (Object.hasOwn(config, key)) {
      return { ok: false, message: `${at}: the key "${key}" is already set above.` };
    }
    config[key] = value;
  }
  return { ok: true, config };
}

export function configInput(config: Record<string, string>): string {
  return Object.keys(config)
    .sort()
    .map((key) => `${key}=${config[key]}`)
    .join('\n');
}
export function namespaceFormValues(ns: Namespace, requestId: string): NamespaceFormValues {
  return {
    name: ns.name,
    description: ns.description,
    status: statusInfo(ns.status).slug ?? '',
    max_sessions: String(ns.quota?.maxSessions ?? 0),
    max_storage: storageInput(ns.quota?.maxStorageBytes ?? 0n),
    max_rps: String(ns.quota?.maxRps ?? 0),
    config: configInput(ns.config),
    reason: '',
    request_id: requestId,
    version: ns.version.toString(),
  };
}

/** What a valid create or edit form asks the control plane for. */
export interface NamespaceInput {
  name: string;
  description: string;
  status: NamespaceStatus;
  quota: { maxSessions: number; maxStorageBytes: bigint; maxRps: number };
  config: Record<string, string>;
  reason: string;
  requestId: string;
  /** 0 on create. */
  version: bigint;
}

/**
 * DNS-label style: 3 to 63 of a-z, 0-9 and '-', starting with a letter, not ending with '-'.
 * Checked here for a quick answer; limits that are the control plane's business (description
 * and reason length, config sizes) are left to it and come back as field violations.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

const namespaceFormSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name.')
    .regex(
      NAME_PATTERN,
      'Use 3 to 63 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen.',
    ),
  description: z.string().trim(),
  status: z.enum(STATUS_SLUGS, { error: 'Choose a status.' }).transform((s) => statusBySlug[s]),
  max_sessions: limitField('the maximum number of sessions'),
  max_storage: z.string().transform((value, ctx) => {
    const parsed = parseStorage(value);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        message:
          'Enter a whole number of bytes, or a size such as 500MiB, 10GiB or 2TB; 0 for unlimited.',
      });
      return z.NEVER;
    }
    return parsed.bytes;
  }),
  max_rps: limitField('the maximum requests per second'),
  config: z.string().transform((value, ctx) => {
    const parsed = parseConfig(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.config;
  }),
  reason: reasonField,
} satisfies Record<NamespaceField, z.ZodType>);

/**
 * Validates a create or edit form. On edit the name comes from the URL and the version the
 * operator read must be there.
 */
export function parseNamespaceForm(
  values: NamespaceFormValues,
  mode: 'create' | 'edit',
): { ok: true; input: NamespaceInput } | { ok: false; errors: FormErrors<NamespaceField> } {
  const parsed = namespaceFormSchema.safeParse(values);
  const problem = envelopeProblem(values, mode === 'edit');
  if (!parsed.success || problem) {
    const errors = parsed.success
      ? { fields: {}, general: [] }
      : fieldErrorsFrom(parsed.error.issues, namespaceForm.visible);
    return { ok: false, errors: { ...errors, general: problem ? [problem] : errors.general } };
  }
  const data = parsed.data;
  return {
    ok: true,
    input: {
      name: data.name,
      description: data.description,
      status: data.status,
      quota: {
        maxSessions: data.max_sessions,
        maxStorageBytes: data.max_storage,
        maxRps: data.max_rps,
      },
      config: data.config,
      reason: data.reason,
      requestId: values.request_id,
      version: mode === 'edit' ? envelopeVersion(values) : 0n,
    },
  };
}

/** The namespace as it is now, after someone else changed it under the operator's edit. */
export interface ConflictView {
  version: string;
  updated: string;
  updatedBy: string;
  /** The current values, written the way the form writes them, to compare with the input. */
  current: NamespaceFormValues;
}

export function conflictView(ns: Namespace): ConflictView {
  return {
    version: ns.version.toString(),
    updated: formatTime(ns.updateTime),
    updatedBy: ns.updatedBy,
    current: namespaceFormValues(ns, ''),
  };
}
