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
import { isSettableStatus, statusFormValue, statusFromFormValue } from './status.js';

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
  hidden: [
    'request_id',
    'version',
    // The edit form's values as it was rendered (see updateMask): what the operator changed.
    'original_description',
    'original_status',
    'original_max_sessions',
    'original_max_storage',
    'original_max_rps',
    'original_config',
  ],
});
export type NamespaceFormValues = FormValues<FieldOf<typeof namespaceForm>>;
/** The fields the operator fills in (the request id, version and originals travel hidden). */
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

/** The fields an edit can change, each with the hidden field that carries it as rendered. */
const ORIGINALS = {
  description: 'original_description',
  status: 'original_status',
  max_sessions: 'original_max_sessions',
  max_storage: 'original_max_storage',
  max_rps: 'original_max_rps',
  config: 'original_config',
} as const satisfies Partial<Record<NamespaceField, keyof NamespaceFormValues>>;
/** The fields an edit can change, in the form's order. */
export type Changeable = keyof typeof ORIGINALS;
type Original = (typeof ORIGINALS)[Changeable];
export const CHANGEABLE: readonly Changeable[] = Object.keys(ORIGINALS) as Changeable[];
/** The hidden fields an edit form carries its originals in. */
export const ORIGINAL_FIELDS: readonly Original[] = Object.values(ORIGINALS);

/** The namespace's values the way the form writes them. */
function shownValues(ns: Namespace): Record<Changeable, string> {
  return {
    description: ns.description,
    // An unset or unknown status is written `unknown-7`: shown, selected, and kept if unchanged.
    status: statusFormValue(ns.status),
    max_sessions: String(ns.quota?.maxSessions ?? 0),
    max_storage: storageInput(ns.quota?.maxStorageBytes ?? 0n),
    max_rps: String(ns.quota?.maxRps ?? 0),
    config: configInput(ns.config),
  };
}

/** The hidden fields that say which values the form was rendered from: those of `ns`. */
function originalsOf(ns: Namespace): Record<Original, string> {
  const shown = shownValues(ns);
  return Object.fromEntries(CHANGEABLE.map((field) => [ORIGINALS[field], shown[field]])) as Record<
    Original,
    string
  >;
}

export function namespaceFormValues(ns: Namespace, requestId: string): NamespaceFormValues {
  return {
    name: ns.name,
    ...shownValues(ns),
    reason: '',
    request_id: requestId,
    version: ns.version.toString(),
    ...originalsOf(ns),
  };
}

/**
 * The operator's values, now to be applied over `ns` (someone else changed it meanwhile): the
 * version and the originals become those of `ns` together. The originals always describe the
 * version the form carries, so saving again changes exactly the fields where the operator's
 * value differs from the current one — the rows the conflict panel marks — and no others.
 */
export function rebaseNamespaceForm(
  values: NamespaceFormValues,
  ns: Namespace,
): NamespaceFormValues {
  return { ...values, version: ns.version.toString(), ...originalsOf(ns) };
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

const CHOOSE_STATUS = 'Choose a status.';
export const UNKNOWN_STATUS_KEPT_ONLY =
  'This status is not one the console can set; choose Active, Read-only or Suspended.';

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
  status: z.string().transform((value, ctx) => {
    const status = statusFromFormValue(value);
    if (status === undefined) {
      ctx.addIssue({ code: 'custom', message: CHOOSE_STATUS });
      return z.NEVER;
    }
    return status;
  }),
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
  // An unset or unknown status can be kept (sent back as it was rendered) but never chosen.
  const statusProblem =
    parsed.success &&
    !isSettableStatus(parsed.data.status) &&
    !(mode === 'edit' && values.status === values.original_status);
  if (!parsed.success || problem || statusProblem) {
    const errors: FormErrors<NamespaceField> = parsed.success
      ? { fields: statusProblem ? { status: UNKNOWN_STATUS_KEPT_ONLY } : {}, general: [] }
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

/*
 * The update mask. Only what the operator changed is sent, so a value the form cannot show
 * faithfully (a status from a newer control plane) is never overwritten by a default, and a
 * field the operator left alone is not touched.
 *
 * "Changed" is measured against the originals: the hidden fields holding the values the form
 * was rendered from, which always belong to the version the form carries (namespaceFormValues,
 * and rebaseNamespaceForm after a conflict). That version is checked by the control plane on
 * the write itself, so the baseline cannot be stale without the write being refused. Reading
 * the namespace again at submit time was the alternative; it costs a call per save, turns a
 * failed read into a lost form, and makes a retried request (same request id, after a
 * timeout) differ from the first one. Values are compared as the parser reads them, so `1GiB`
 * and `1073741824`, or CRLF and LF line ends as browsers send them, are no change. A form
 * without originals (rendered before they existed) counts every field as changed, as before.
 */

const norm = (text: string) => text.replace(/\r\n?/g, '\n').trim();
const sameLimit = (a: string, b: string, what: string) => {
  const x = limitField(what).safeParse(a);
  const y = limitField(what).safeParse(b);
  return x.success && y.success && x.data === y.data;
};
const sameness: Record<Changeable, (posted: string, original: string) => boolean> = {
  description: (a, b) => norm(a) === norm(b),
  status: (a, b) => a === b,
  max_sessions: (a, b) => sameLimit(a, b, 'sessions'),
  max_rps: (a, b) => sameLimit(a, b, 'requests per second'),
  max_storage: (a, b) => {
    const x = parseStorage(a);
    const y = parseStorage(b);
    return x.ok && y.ok && x.bytes === y.bytes;
  },
  config: (a, b) => {
    const x = parseConfig(a);
    const y = parseConfig(b);
    return x.ok && y.ok && configInput(x.config) === configInput(y.config);
  },
};

/** Whether two values of a field say the same, read as the parser reads them. */
export function sameFieldValue(field: Changeable, a: string, b: string): boolean {
  return sameness[field](a, b);
}

/** The update-mask path each changeable field belongs to (as named in the proto). */
const maskPath: Record<Changeable, string> = {
  description: 'description',
  status: 'status',
  max_sessions: 'quota',
  max_storage: 'quota',
  max_rps: 'quota',
  config: 'config',
};

/**
 * The update-mask paths of the fields the operator changed. Never empty — an empty mask means
 * every field — so a save without changes names the description, sent as the form holds it:
 * it still records the reason and a new version, as saving always has.
 */
export function updateMask(values: NamespaceFormValues): string[] {
  const changed = CHANGEABLE.filter(
    (field) => !sameness[field](values[field], values[ORIGINALS[field]]),
  );
  const paths = [...new Set(changed.map((field) => maskPath[field]))];
  return paths.length > 0 ? paths : ['description'];
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
