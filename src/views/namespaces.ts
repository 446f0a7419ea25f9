import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { z } from 'zod';
import type { BadgeTone } from '../../components/ui/Badge.js';
import { BadRequestSchema } from '../gen/prism/admin/v1/errors_pb.js';
import {
  type ListNamespacesRequestSchema,
  type ListNamespacesResponse,
  type Namespace,
  NamespaceStatus,
} from '../gen/prism/admin/v1/namespace_pb.js';
import { paths } from '../routes/paths.js';
import { describeError } from './errors.js';
import { formatBytes, formatNumber, formatRate, formatTime } from './format.js';

/*
 * Namespaces: generated messages → what the list, detail and form components show, and the
 * operator's input (query string, form body) → typed requests. Pure: no I/O, no request.
 */

// --- status ---------------------------------------------------------------------------------

/** How a status is written in URLs and forms. */
export const STATUS_SLUGS = ['active', 'read-only', 'suspended'] as const;
export type StatusSlug = (typeof STATUS_SLUGS)[number];

export interface StatusInfo {
  slug: StatusSlug | undefined;
  label: string;
  tone: BadgeTone;
}

export const namespaceStatus: Record<NamespaceStatus, StatusInfo> = {
  [NamespaceStatus.UNSPECIFIED]: { slug: undefined, label: 'Unknown', tone: 'slate' },
  [NamespaceStatus.ACTIVE]: { slug: 'active', label: 'Active', tone: 'green' },
  [NamespaceStatus.READ_ONLY]: { slug: 'read-only', label: 'Read-only', tone: 'amber' },
  [NamespaceStatus.SUSPENDED]: { slug: 'suspended', label: 'Suspended', tone: 'red' },
};

const statusBySlug: Record<StatusSlug, NamespaceStatus> = {
  active: NamespaceStatus.ACTIVE,
  'read-only': NamespaceStatus.READ_ONLY,
  suspended: NamespaceStatus.SUSPENDED,
};

/** The choices of a status select, in display order. */
export const statusOptions: readonly { value: StatusSlug; label: string }[] = STATUS_SLUGS.map(
  (slug) => ({ value: slug, label: namespaceStatus[statusBySlug[slug]].label }),
);

// --- notices --------------------------------------------------------------------------------

/**
 * Confirmations after a redirect. Only these fixed texts are ever shown: the query carries a
 * key, never the message, so a crafted link cannot put words in the console's mouth.
 */
const NOTICES = {
  created: 'Namespace created.',
  updated: 'Changes saved.',
  deleted: 'Namespace deleted.',
} as const;
export type NoticeKey = keyof typeof NOTICES;

/** The fixed message for a notice key, if it is one this page shows. */
export function noticeText(key: unknown, shownHere: readonly NoticeKey[]): string | undefined {
  return typeof key === 'string' && shownHere.includes(key as NoticeKey)
    ? NOTICES[key as NoticeKey]
    : undefined;
}

// --- quantities -----------------------------------------------------------------------------

const UNLIMITED = 'unlimited';

function limitText(limit: number | bigint, format: (value: number | bigint) => string): string {
  return limit === 0 || limit === 0n ? UNLIMITED : format(limit);
}

/** One quota against its live value, for the detail page. */
export interface QuotaUsage {
  label: string;
  used: string;
  limit: string;
  /** Share of the limit used (above 100 when over quota); undefined when unlimited. */
  percent: number | undefined;
}

function usage(
  label: string,
  used: number | bigint,
  limit: number | bigint,
  format: (value: number | bigint) => string,
): QuotaUsage {
  const max = Number(limit);
  return {
    label,
    used: format(used),
    limit: limitText(limit, format),
    percent: max > 0 ? Math.round((Number(used) / max) * 100) : undefined,
  };
}

// --- list -----------------------------------------------------------------------------------

export const SORT_KEYS = ['name', 'status', 'created', 'sessions'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

const orderByField: Record<SortKey, string> = {
  name: 'name',
  status: 'status',
  created: 'create_time',
  sessions: 'active_sessions',
};

/** Newest and busiest first are what an operator looks for; names read A to Z. */
const firstDirectionDescending: Record<SortKey, boolean> = {
  name: false,
  status: false,
  created: true,
  sessions: true,
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
const DEFAULT_SORT: Sort = { key: 'name', descending: false };

export function sortParam(sort: Sort): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

export interface ListQuery {
  q: string;
  status: StatusSlug | undefined;
  sort: Sort;
  page: string | undefined;
  size: number;
}

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const text = z.preprocess(first, z.string().optional());

const listQuerySchema = z.object({
  q: text.transform((v) => (v ?? '').trim()).pipe(z.string().max(200, 'The search is too long.')),
  status: text
    .transform((v) => (v === '' || v === 'all' ? undefined : v))
    .pipe(
      z
        .enum(STATUS_SLUGS, { error: `Unknown status; use one of ${STATUS_SLUGS.join(', ')}.` })
        .optional(),
    ),
  sort: text.pipe(
    z
      .string()
      .regex(
        /^-?(name|status|created|sessions)$/,
        `Unknown sort order; use name, status, created or sessions, with a leading "-" for descending.`,
      )
      .optional(),
  ),
  page: text.pipe(z.string().max(1024, 'The page token is too long.').optional()),
  size: text.pipe(
    z
      .string()
      .regex(/^\d+$/, `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`)
          .max(MAX_PAGE_SIZE, `The page size must be a whole number from 1 to ${MAX_PAGE_SIZE}.`),
      )
      .optional(),
  ),
});

/**
 * Reads the list's query string. A bad value is reported and replaced by its default, so the
 * page can still offer its filters; the route decides not to query with a half-understood URL.
 */
export function parseListQuery(raw: unknown): { query: ListQuery; problems: string[] } {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const query: ListQuery = {
    q: '',
    status: undefined,
    sort: DEFAULT_SORT,
    page: undefined,
    size: DEFAULT_PAGE_SIZE,
  };
  for (const key of Object.keys(listQuerySchema.shape) as (keyof typeof listQuerySchema.shape)[]) {
    const parsed = listQuerySchema.shape[key].safeParse(source[key]);
    if (!parsed.success) {
      problems.push(parsed.error.issues[0]?.message ?? `Invalid ${key}.`);
      continue;
    }
    const value = parsed.data;
    if (value === undefined || value === '') continue;
    switch (key) {
      case 'q':
        query.q = value as string;
        break;
      case 'status':
        query.status = value as StatusSlug;
        break;
      case 'sort': {
        const s = value as string;
        query.sort = { key: s.replace(/^-/, '') as SortKey, descending: s.startsWith('-') };
        break;
      }
      case 'page':
        query.page = value as string;
        break;
      case 'size':
        query.size = value as number;
        break;
    }
  }
  return { query, problems };
}

/** The control-plane request for a list query. */
export function listRequest(
  query: ListQuery,
): MessageInitShape<typeof ListNamespacesRequestSchema> {
  return {
    pageSize: query.size,
    pageToken: query.page ?? '',
    filter: query.q,
    orderBy: `${orderByField[query.sort.key]}${query.sort.descending ? ' desc' : ''}`,
    status: query.status ? statusBySlug[query.status] : NamespaceStatus.UNSPECIFIED,
  };
}

/** A list URL for this query with some parts changed; the page size is left out at default. */
export function listHref(
  query: ListQuery,
  change: { sort?: Sort; page?: string | undefined } = {},
): string {
  const sort = change.sort ?? query.sort;
  return paths.namespaces.list({
    q: query.q,
    status: query.status,
    sort: sort.key === DEFAULT_SORT.key && !sort.descending ? undefined : sortParam(sort),
    page: 'page' in change ? change.page : query.page,
    size: query.size === DEFAULT_PAGE_SIZE ? undefined : query.size,
  });
}

export interface NamespaceRow {
  name: string;
  href: string;
  description: string;
  status: StatusInfo;
  sessions: string;
  storage: string;
  rps: string;
  assignedProxy: string;
  created: string;
}

export function namespaceRow(ns: Namespace): NamespaceRow {
  const quota = ns.quota;
  const metrics = ns.metrics;
  return {
    name: ns.name,
    href: paths.namespaces.detail(ns.name),
    description: ns.description,
    status: namespaceStatus[ns.status] ?? namespaceStatus[NamespaceStatus.UNSPECIFIED],
    sessions: `${formatNumber(metrics?.activeSessions ?? 0)} / ${limitText(
      quota?.maxSessions ?? 0,
      formatNumber,
    )}`,
    storage: `${formatBytes(metrics?.storageUsedBytes ?? 0n)} / ${limitText(
      quota?.maxStorageBytes ?? 0n,
      formatBytes,
    )}`,
    rps: formatRate(metrics?.rps ?? 0),
    assignedProxy: ns.assignedProxy,
    created: formatTime(ns.createTime),
  };
}

export type AriaSort = 'ascending' | 'descending' | undefined;

export interface SortHeader {
  key: SortKey;
  label: string;
  /** Where clicking goes: this column, the other way round when it is already the sort. */
  href: string;
  ariaSort: AriaSort;
}

const sortLabels: Record<SortKey, string> = {
  name: 'Name',
  status: 'Status',
  created: 'Created',
  sessions: 'Sessions',
};

export function sortHeaders(query: ListQuery): Record<SortKey, SortHeader> {
  const headers = {} as Record<SortKey, SortHeader>;
  for (const key of SORT_KEYS) {
    const active = query.sort.key === key;
    const next: Sort = active
      ? { key, descending: !query.sort.descending }
      : { key, descending: firstDirectionDescending[key] };
    headers[key] = {
      key,
      label: sortLabels[key],
      // A new order starts again at the first page: a page token belongs to one order.
      href: listHref(query, { sort: next, page: undefined }),
      ariaSort: active ? (query.sort.descending ? 'descending' : 'ascending') : undefined,
    };
  }
  return headers;
}

export interface NamespaceListView {
  query: ListQuery;
  rows: NamespaceRow[];
  /** Namespaces matching the filters, across all pages. */
  total: number;
  headers: Record<SortKey, SortHeader>;
  previousHref: string | undefined;
  nextHref: string | undefined;
  /** Why there are no rows to show, when the query itself was refused. */
  problems: string[];
}

export function namespaceListView(
  query: ListQuery,
  response: ListNamespacesResponse,
): NamespaceListView {
  return {
    query,
    rows: response.namespaces.map(namespaceRow),
    total: response.totalSize,
    headers: sortHeaders(query),
    // On a later page there is always a way back, to the first page if the token is empty.
    previousHref: query.page
      ? listHref(query, { page: response.previousPageToken || undefined })
      : undefined,
    nextHref: response.nextPageToken
      ? listHref(query, { page: response.nextPageToken })
      : undefined,
    problems: [],
  };
}

/** A list that could not be fetched because the query was refused. */
export function refusedListView(query: ListQuery, problems: string[]): NamespaceListView {
  return {
    query,
    rows: [],
    total: 0,
    headers: sortHeaders(query),
    previousHref: undefined,
    nextHref: undefined,
    problems,
  };
}

// --- detail ---------------------------------------------------------------------------------

export interface NamespaceDetail {
  name: string;
  description: string;
  status: StatusInfo;
  usage: QuotaUsage[];
  config: { key: string; value: string }[];
  assignedProxy: string;
  partition: string;
  created: string;
  createdBy: string;
  updated: string;
  updatedBy: string;
  version: string;
  editHref: string;
  deleteHref: string;
}

export function namespaceDetail(ns: Namespace): NamespaceDetail {
  const quota = ns.quota;
  const metrics = ns.metrics;
  return {
    name: ns.name,
    description: ns.description,
    status: namespaceStatus[ns.status] ?? namespaceStatus[NamespaceStatus.UNSPECIFIED],
    usage: [
      usage('Sessions', metrics?.activeSessions ?? 0, quota?.maxSessions ?? 0, formatNumber),
      usage('Storage', metrics?.storageUsedBytes ?? 0n, quota?.maxStorageBytes ?? 0n, formatBytes),
      usage('Requests per second', metrics?.rps ?? 0, quota?.maxRps ?? 0, (v) =>
        formatRate(Number(v)),
      ),
    ],
    config: Object.entries(ns.config)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
    assignedProxy: ns.assignedProxy,
    partition: String(ns.partition),
    created: formatTime(ns.createTime),
    createdBy: ns.createdBy,
    updated: formatTime(ns.updateTime),
    updatedBy: ns.updatedBy,
    version: ns.version.toString(),
    editHref: paths.namespaces.edit(ns.name),
    deleteHref: paths.namespaces.delete(ns.name),
  };
}

// --- create and edit form -------------------------------------------------------------------

/** What the operator typed, exactly, so a failed form comes back as they left it. */
export interface NamespaceFormValues {
  name: string;
  description: string;
  status: string;
  maxSessions: string;
  maxStorage: string;
  maxRps: string;
  config: string;
  reason: string;
  requestId: string;
  /** Edit only: the version the operator read. */
  version: string;
}

export type NamespaceField =
  | 'name'
  | 'description'
  | 'status'
  | 'maxSessions'
  | 'maxStorage'
  | 'maxRps'
  | 'config'
  | 'reason';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Messages for a form: beside each field, and those that belong to no field. */
export interface FormErrors<F extends string> {
  fields: FieldErrors<F>;
  general: string[];
}

export const noErrors = <F extends string>(): FormErrors<F> => ({ fields: {}, general: [] });

export function hasErrors<F extends string>(errors: FormErrors<F>): boolean {
  return errors.general.length > 0 || Object.keys(errors.fields).length > 0;
}

export function emptyNamespaceForm(requestId: string): NamespaceFormValues {
  return {
    name: '',
    description: '',
    status: 'active',
    maxSessions: '0',
    maxStorage: '0',
    maxRps: '0',
    config: '',
    reason: '',
    requestId,
    version: '',
  };
}

const BINARY_UNITS = ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'] as const;
const unitBytes: Record<string, bigint> = {
  b: 1n,
  k: 1000n,
  kb: 1000n,
  m: 1000n ** 2n,
  mb: 1000n ** 2n,
  g: 1000n ** 3n,
  gb: 1000n ** 3n,
  t: 1000n ** 4n,
  tb: 1000n ** 4n,
  p: 1000n ** 5n,
  pb: 1000n ** 5n,
  ki: 1024n,
  kib: 1024n,
  mi: 1024n ** 2n,
  mib: 1024n ** 2n,
  gi: 1024n ** 3n,
  gib: 1024n ** 3n,
  ti: 1024n ** 4n,
  tib: 1024n ** 4n,
  pi: 1024n ** 5n,
  pib: 1024n ** 5n,
};
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Reads a storage size: plain bytes, or a number with a unit — decimal (`KB`, `MB`, `GB`...)
 * or binary (`KiB`, `MiB`, `GiB`...), case-insensitive. Empty means 0, unlimited.
 */
export function parseStorage(input: string): { ok: true; bytes: bigint } | { ok: false } {
  const value = input.trim().replace(/_/g, '');
  if (value === '') return { ok: true, bytes: 0n };
  const match = /^(\d{1,19})(?:\.(\d{1,9}))?\s*([a-z]{1,3})?$/i.exec(value);
  if (!match) return { ok: false };
  const [, whole = '0', fraction = '', unit = 'b'] = match;
  const multiplier = unitBytes[unit.toLowerCase()];
  if (multiplier === undefined) return { ok: false };
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction || '0')) * multiplier;
  if (scaled % scale !== 0n) return { ok: false };
  const bytes = scaled / scale;
  return bytes > INT64_MAX ? { ok: false } : { ok: true, bytes };
}

/** Writes bytes back the way an operator would type them: the largest exact binary unit. */
export function storageInput(bytes: bigint): string {
  if (bytes === 0n) return '0';
  for (const unit of BINARY_UNITS) {
    const size = unitBytes[unit.toLowerCase()] ?? 1n;
    if (bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return bytes.toString();
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
    status: namespaceStatus[ns.status]?.slug ?? '',
    maxSessions: String(ns.quota?.maxSessions ?? 0),
    maxStorage: storageInput(ns.quota?.maxStorageBytes ?? 0n),
    maxRps: String(ns.quota?.maxRps ?? 0),
    config: configInput(ns.config),
    reason: '',
    requestId,
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
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function formText(body: unknown, key: string): string {
  if (!body || typeof body !== 'object') return '';
  const value = first((body as Record<string, unknown>)[key]);
  return typeof value === 'string' ? value : '';
}

/** Takes the form fields out of a posted body, as strings, whatever else it holds. */
export function namespaceFormFromBody(body: unknown): NamespaceFormValues {
  return {
    name: formText(body, 'name'),
    description: formText(body, 'description'),
    status: formText(body, 'status'),
    maxSessions: formText(body, 'max_sessions'),
    maxStorage: formText(body, 'max_storage'),
    maxRps: formText(body, 'max_rps'),
    config: formText(body, 'config'),
    reason: formText(body, 'reason'),
    requestId: formText(body, 'request_id'),
    version: formText(body, 'version'),
  };
}

const wholeNumber = (what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? '0' : v.replace(/[_,]/g, '')))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, `Enter ${what} as a whole number, 0 for unlimited.`)
        .transform(Number)
        .pipe(z.number().max(INT32_MAX, `Enter ${what} of at most ${formatNumber(INT32_MAX)}.`)),
    );

const reasonSchema = z.string().trim().min(1, 'Give a reason; it is recorded in the audit log.');

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
  maxSessions: wholeNumber('the maximum number of sessions'),
  maxStorage: z.string().transform((value, ctx) => {
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
  maxRps: wholeNumber('the maximum requests per second'),
  config: z.string().transform((value, ctx) => {
    const parsed = parseConfig(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    return parsed.config;
  }),
  reason: reasonSchema,
});

const INCOMPLETE_FORM =
  'The form arrived incomplete (its request id or version was missing). Nothing was changed; check the values and submit again.';

function fieldErrorsFrom<F extends string>(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors<F> {
  const fields: FieldErrors<F> = {};
  for (const issue of issues) {
    const field = String(issue.path[0]) as F;
    fields[field] ??= issue.message;
  }
  return fields;
}

/**
 * Validates a create or edit form. On edit the name comes from the URL and the version the
 * operator read must be there.
 */
export function parseNamespaceForm(
  values: NamespaceFormValues,
  mode: 'create' | 'edit',
): { ok: true; input: NamespaceInput } | { ok: false; errors: FormErrors<NamespaceField> } {
  const parsed = namespaceFormSchema.safeParse(values);
  const general: string[] = [];
  if (!REQUEST_ID.test(values.requestId)) general.push(INCOMPLETE_FORM);
  else if (mode === 'edit' && !/^\d{1,19}$/.test(values.version)) general.push(INCOMPLETE_FORM);
  if (!parsed.success || general.length > 0) {
    return {
      ok: false,
      errors: {
        fields: parsed.success ? {} : fieldErrorsFrom<NamespaceField>(parsed.error.issues),
        general,
      },
    };
  }
  return {
    ok: true,
    input: {
      name: parsed.data.name,
      description: parsed.data.description,
      status: parsed.data.status,
      quota: {
        maxSessions: parsed.data.maxSessions,
        maxStorageBytes: parsed.data.maxStorage,
        maxRps: parsed.data.maxRps,
      },
      config: parsed.data.config,
      reason: parsed.data.reason,
      requestId: values.requestId,
      version: mode === 'edit' ? BigInt(values.version) : 0n,
    },
  };
}

// --- delete form ----------------------------------------------------------------------------

export interface DeleteFormValues {
  reason: string;
  /** The name as the operator typed it, to confirm. */
  confirm: string;
  requestId: string;
  version: string;
}

export type DeleteField = 'reason' | 'confirm';

export function emptyDeleteForm(ns: Namespace, requestId: string): DeleteFormValues {
  return { reason: '', confirm: '', requestId, version: ns.version.toString() };
}

export function deleteFormFromBody(body: unknown): DeleteFormValues {
  return {
    reason: formText(body, 'reason'),
    confirm: formText(body, 'confirm'),
    requestId: formText(body, 'request_id'),
    version: formText(body, 'version'),
  };
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
    reason: reasonSchema,
    // Exact match, no trimming: the point is that the operator looked at what they delete.
    confirm: z
      .string()
      .min(1, 'Type the name of the namespace to confirm.')
      .refine((typed) => typed === name, 'The name you typed does not match this namespace.'),
  });
  const parsed = schema.safeParse(values);
  const general: string[] = [];
  if (!REQUEST_ID.test(values.requestId) || !/^\d{1,19}$/.test(values.version)) {
    general.push(INCOMPLETE_FORM);
  }
  if (!parsed.success || general.length > 0) {
    return {
      ok: false,
      errors: {
        fields: parsed.success ? {} : fieldErrorsFrom<DeleteField>(parsed.error.issues),
        general,
      },
    };
  }
  return {
    ok: true,
    input: {
      reason: parsed.data.reason,
      requestId: values.requestId,
      version: BigInt(values.version),
    },
  };
}

// --- control-plane refusals → form messages -------------------------------------------------

const violationFields: Record<string, NamespaceField | DeleteField> = {
  'namespace.name': 'name',
  name: 'name',
  'namespace.description': 'description',
  'namespace.status': 'status',
  'namespace.quota.max_sessions': 'maxSessions',
  'namespace.quota.max_storage_bytes': 'maxStorage',
  'namespace.quota.max_rps': 'maxRps',
  'namespace.config': 'config',
  reason: 'reason',
};

/** `namespace.quota.maxSessions` and `namespace.config["x"]` read like their proto paths. */
function normalisePath(path: string): string {
  const snake = path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake.replace(/^(namespace\.config)\b.*$/, '$1');
}

/**
 * Maps the control plane's field violations onto a form's fields; a violation for a field the
 * form does not have (or an INVALID_ARGUMENT without details) becomes a general message.
 */
export function violationErrors<F extends string>(
  err: ConnectError,
  formFields: readonly F[],
): FormErrors<F> {
  const errors = noErrors<F>();
  const details = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  for (const violation of details) {
    const field = violationFields[normalisePath(violation.field)] as F | undefined;
    if (field !== undefined && formFields.includes(field)) {
      errors.fields[field] ??= violation.description;
    } else {
      errors.general.push(
        violation.field ? `${violation.field}: ${violation.description}` : violation.description,
      );
    }
  }
  if (details.length === 0) errors.general.push(err.rawMessage || 'The control plane refused it.');
  return errors;
}

export const NAMESPACE_FIELDS: readonly NamespaceField[] = [
  'name',
  'description',
  'status',
  'maxSessions',
  'maxStorage',
  'maxRps',
  'config',
  'reason',
];
export const DELETE_FIELDS: readonly DeleteField[] = ['reason', 'confirm'];

/** How a failed write is answered: the form again, with this status and these messages. */
export interface WriteFailure<F extends string> {
  status: number;
  errors: FormErrors<F>;
  /** True when the control plane may not have seen the request: resend the same request id. */
  keepRequestId: boolean;
  /** The namespace was changed by someone else since the operator read it. */
  conflict: boolean;
}

export const UNREACHABLE_MESSAGE =
  'The control plane could not be reached; nothing was confirmed. Your input is kept below — submit again.';
export const TIMEOUT_MESSAGE =
  'The control plane did not answer in time, so it is not known whether this was done. Your input is kept below — submit again: the control plane recognises a repeated request and will not act twice.';

/**
 * Turns a refused or failed write into form messages. Returns undefined for what the error
 * handler answers better: the namespace is gone (404) or the operator must sign in again.
 */
export function writeFailure<F extends string>(
  err: unknown,
  formFields: readonly F[],
): WriteFailure<F> | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  const failure = (status: number, general: string[], fields: FieldErrors<F> = {}) => ({
    status,
    errors: { fields, general },
    keepRequestId: false,
    conflict: false,
  });
  switch (err.code) {
    case Code.InvalidArgument:
      return { ...failure(422, []), errors: violationErrors(err, formFields) };
    case Code.AlreadyExists: {
      const message = 'A namespace with this name already exists; choose another name.';
      return formFields.includes('name' as F)
        ? failure(409, [], { ['name' as F]: message } as FieldErrors<F>)
        : failure(409, [message]);
    }
    case Code.FailedPrecondition:
    case Code.Aborted:
      // Usually a stale version: the route then explains it with the current values instead.
      return { ...failure(409, [err.rawMessage]), conflict: true };
    case Code.Unavailable:
      return { ...failure(503, [UNREACHABLE_MESSAGE]), keepRequestId: true };
    case Code.DeadlineExceeded:
      return { ...failure(504, [TIMEOUT_MESSAGE]), keepRequestId: true };
    case Code.NotFound:
    case Code.Unauthenticated:
      return undefined;
    default: {
      const described = describeError(err);
      return failure(described.status, [described.message]);
    }
  }
}

// --- edit conflict --------------------------------------------------------------------------

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

/** Labels of the form's fields, for messages and the conflict comparison. */
export const namespaceFieldLabels: Record<NamespaceField, string> = {
  name: 'Name',
  description: 'Description',
  status: 'Status',
  maxSessions: 'Max sessions',
  maxStorage: 'Max storage',
  maxRps: 'Max requests per second',
  config: 'Configuration',
  reason: 'Reason',
};

export function statusLabel(slug: string): string {
  return statusOptions.find((option) => option.value === slug)?.label ?? slug;
}
