import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { violationErrors } from '../../src/forms/errors.js';
import { writeFailure } from '../../src/forms/write-failure.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import {
  ListNamespacesResponseSchema,
  NamespaceSchema,
  NamespaceStatus,
} from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { deleteViolations, parseDeleteForm } from '../../src/views/namespaces/delete.js';
import { namespaceDetail } from '../../src/views/namespaces/detail.js';
import {
  emptyNamespaceForm,
  NAMESPACE_EXISTS,
  namespaceForm,
  namespaceFormValues,
  namespaceViolations,
  parseConfig,
  parseNamespaceForm,
} from '../../src/views/namespaces/form.js';
import {
  listQueryInput,
  listRequest,
  namespaceListView,
  namespaceRow,
  parseListQuery as parseQuery,
} from '../../src/views/namespaces/list.js';
import { namespaceNotices } from '../../src/views/namespaces/notices.js';
import { parseStorage, storageInput } from '../../src/views/quantities.js';

/** A query string as Fastify hands it over after its schema, then read. */
const parseListQuery = (raw: Record<string, unknown>) => parseQuery(listQueryInput.parse(raw));
/** A posted body as Fastify hands it over after the form's schema. */
const namespaceFormFromBody = (raw: Record<string, unknown>) => namespaceForm.body.parse(raw);
const noticeText = (key: unknown, here: readonly ('created' | 'updated' | 'deleted')[]) =>
  namespaceNotices.text(key, here);

const GIB = 1024n ** 3n;

function namespace(overrides: Omit<MessageInitShape<typeof NamespaceSchema>, '$typeName'> = {}) {
  return create(NamespaceSchema, {
    name: 'orders-prod',
    description: 'Orders',
    status: NamespaceStatus.READ_ONLY,
    quota: { maxSessions: 100, maxStorageBytes: 10n * GIB, maxRps: 0 },
    metrics: { activeSessions: 25, storageUsedBytes: 15n * GIB, rps: 2.5 },
    config: { retention: '7d', consistency: 'strong' },
    assignedProxy: 'proxy-1',
    partition: 3,
    createTime: timestampFromDate(new Date('2026-01-02T03:04:05Z')),
    createdBy: 'alice',
    updateTime: timestampFromDate(new Date('2026-02-03T04:05:06Z')),
    updatedBy: 'bob',
    version: 7n,
    ...overrides,
  } as MessageInitShape<typeof NamespaceSchema>);
}

describe('list query', () => {
  it('uses defaults for an empty query', () => {
    const { query, problems } = parseListQuery({});
    expect(problems).toEqual([]);
    expect(query).toEqual({
      q: '',
      status: undefined,
      sort: { key: 'name', descending: false },
      page: undefined,
      size: 50,
    });
    expect(listRequest(query)).toMatchObject({
      pageSize: 50,
      pageToken: '',
      filter: '',
      orderBy: 'name',
      status: NamespaceStatus.UNSPECIFIED,
    });
  });

  it('reads search, status, sort, page and size into a control-plane request', () => {
    const { query, problems } = parseListQuery({
      q: '  orders ',
      status: 'read-only',
      sort: '-sessions',
      page: 'tok',
      size: '10',
    });
    expect(problems).toEqual([]);
    expect(listRequest(query)).toMatchObject({
      pageSize: 10,
      pageToken: 'tok',
      filter: 'orders',
      orderBy: 'active_sessions desc',
      status: NamespaceStatus.READ_ONLY,
    });
    expect(listRequest(parseListQuery({ sort: 'created' }).query).orderBy).toBe('create_time');
  });

  it('reports each bad value in words and keeps the default for it', () => {
    const { query, problems } = parseListQuery({ sort: 'password', size: '0', status: 'gone' });
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).toMatch(/sort order/);
    expect(problems.join(' ')).toMatch(/page size/);
    expect(problems.join(' ')).toMatch(/status/);
    expect(query.sort).toEqual({ key: 'name', descending: false });
    expect(query.size).toBe(50);
    expect(parseListQuery({ size: '501' }).problems).toHaveLength(1);
    expect(parseListQuery({ size: 'ten' }).problems).toHaveLength(1);
  });

  it('builds page links that keep the filters and sort links that start from page one', () => {
    const { query } = parseListQuery({ q: 'a b', status: 'active', sort: '-created', page: 'p2' });
    const view = namespaceListView(
      query,
      create(ListNamespacesResponseSchema, {
        namespaces: [namespace()],
        nextPageToken: 'p3',
        previousPageToken: '',
        totalSize: 120,
      }),
    );
    expect(view.nextHref).toBe('/namespaces?q=a+b&status=active&sort=-created&page=p3');
    // On a later page an empty previous token means the first page.
    expect(view.previousHref).toBe('/namespaces?q=a+b&status=active&sort=-created');
    expect(view.headers.created).toMatchObject({
      ariaSort: 'descending',
      href: '/namespaces?q=a+b&status=active&sort=created',
    });
    expect(view.headers.name).toMatchObject({
      ariaSort: undefined,
      href: '/namespaces?q=a+b&status=active',
    });
    expect(view.headers.sessions.href).toContain('sort=-sessions');
  });
});

describe('rows and detail', () => {
  it('shows usage against limits, "unlimited" for 0', () => {
    const row = namespaceRow(namespace());
    expect(row).toMatchObject({
      name: 'orders-prod',
      href: '/namespaces/orders-prod',
      status: { label: 'Read-only', tone: 'amber' },
      sessions: '25 / 100',
      storage: '15 GiB / 10 GiB',
      rps: '2.5/s',
      assignedProxy: 'proxy-1',
      // 15 GiB of 10 GiB; the requests/s limit is 0, unlimited, so never exceeded.
      overQuota: ['storage'],
      createdExact: '2026-01-02 03:04:05 UTC',
    });
    const detail = namespaceDetail(namespace());
    expect(detail.usage.map((u) => [u.label, u.used, u.limit, u.percent])).toEqual([
      ['Sessions', '25', '100', 25],
      ['Storage', '15 GiB', '10 GiB', 150],
      ['Requests per second', '2.5/s', 'unlimited', undefined],
    ]);
    expect(detail.config).toEqual([
      { key: 'consistency', value: 'strong' },
      { key: 'retention', value: '7d' },
    ]);
    expect(detail).toMatchObject({
      created: '2026-01-02 03:04:05 UTC',
      createdBy: 'alice',
      updatedBy: 'bob',
      version: '7',
      partition: '3',
    });
  });

  it('escapes names in links', () => {
    expect(namespaceRow(namespace({ name: 'a/b?c' })).href).toBe('/namespaces/a%2Fb%3Fc');
  });
});

describe('notices', () => {
  it('maps only known keys to fixed messages', () => {
    const here = ['created', 'updated'] as const;
    expect(noticeText('created', here)).toBe('Namespace created.');
    expect(noticeText('deleted', here)).toBeUndefined();
    expect(noticeText('<script>alert(1)</script>', here)).toBeUndefined();
    expect(noticeText('toString', here)).toBeUndefined();
    expect(noticeText(['created'], here)).toBeUndefined();
  });
});

describe('storage sizes', () => {
  it.each([
    ['', 0n],
    ['0', 0n],
    ['1024', 1024n],
    ['10GiB', 10n * GIB],
    ['10 gib', 10n * GIB],
    ['1.5GiB', (3n * GIB) / 2n],
    ['2TB', 2_000_000_000_000n],
    ['500Mi', 500n * 1024n ** 2n],
  ])('reads %j', (input, bytes) => {
    expect(parseStorage(input)).toEqual({ ok: true, bytes });
  });

  it.each(['ten', '-1', '1.1B', '10 XB', '9223372036854775808', '1e9'])('refuses %j', (input) => {
    expect(parseStorage(input).ok).toBe(false);
  });

  it('writes sizes back in the largest exact unit', () => {
    expect(storageInput(10n * GIB)).toBe('10GiB');
    expect(storageInput(1536n * 1024n ** 2n)).toBe('1536MiB');
    expect(storageInput(1000n)).toBe('1000');
    expect(storageInput(0n)).toBe('0');
  });
});

describe('config lines', () => {
  it('reads key=value lines, skipping blanks and comments', () => {
    expect(parseConfig('retention = 7d\n\n# note\nurl=http://x?a=b\n')).toEqual({
      ok: true,
      config: { retention: '7d', url: 'http://x?a=b' },
    });
  });

  it('names the line of a problem', () => {
    expect(parseConfig('a=1\nnonsense')).toEqual({
      ok: false,
      message: 'Line 2: write each setting as key=value.',
    });
    expect(parseConfig('a=1\na=2')).toMatchObject({ ok: false, message: /Line 2: .*"a"/ });
    expect(parseConfig('=x')).toMatchObject({ ok: false, message: /Line 1/ });
  });
});

describe('namespace form', () => {
  const valid = {
    name: 'new-space',
    description: ' <b>x</b> ',
    status: 'suspended',
    max_sessions: '10',
    max_storage: '1GiB',
    max_rps: '',
    config: 'a=1',
    reason: 'testing',
    request_id: '6f1c1f1e-0000-4000-8000-000000000001',
  };

  it('parses a valid form into a typed input', () => {
    const result = parseNamespaceForm(namespaceFormFromBody(valid), 'create');
    expect(result).toEqual({
      ok: true,
      input: {
        name: 'new-space',
        description: '<b>x</b>',
        status: NamespaceStatus.SUSPENDED,
        quota: { maxSessions: 10, maxStorageBytes: GIB, maxRps: 0 },
        config: { a: '1' },
        reason: 'testing',
        requestId: valid.request_id,
        version: 0n,
      },
    });
  });

  it('puts each problem on its field', () => {
    const result = parseNamespaceForm(
      namespaceFormFromBody({
        ...valid,
        name: 'Bad_Name',
        status: 'deleted',
        max_sessions: '-3',
        max_storage: 'lots',
        max_rps: '99999999999',
        config: 'x',
        reason: '  ',
      }),
      'create',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors.fields).sort()).toEqual(
      ['config', 'max_rps', 'max_sessions', 'max_storage', 'name', 'reason', 'status'].sort(),
    );
    expect(result.errors.general).toEqual([]);
  });

  it('needs a request id, and a version on edit', () => {
    const noId = parseNamespaceForm(namespaceFormFromBody({ ...valid, request_id: '' }), 'create');
    expect(noId.ok || noId.errors.general).toHaveLength(1);
    const noVersion = parseNamespaceForm(namespaceFormFromBody(valid), 'edit');
    expect(noVersion.ok).toBe(false);
    const edit = parseNamespaceForm(namespaceFormFromBody({ ...valid, version: '7' }), 'edit');
    expect(edit.ok && edit.input.version).toBe(7n);
  });

  it('round-trips a namespace through the form values', () => {
    const values = namespaceFormValues(namespace(), 'id-00000001');
    expect(values).toMatchObject({
      status: 'read-only',
      max_storage: '10GiB',
      config: 'consistency=strong\nretention=7d',
      version: '7',
    });
    const parsed = parseNamespaceForm({ ...values, reason: 'r' }, 'edit');
    expect(parsed.ok && parsed.input.quota).toEqual({
      maxSessions: 100,
      maxStorageBytes: 10n * GIB,
      maxRps: 0,
    });
    expect(emptyNamespaceForm('x').request_id).toBe('x');
  });
});

describe('delete form', () => {
  const base = { reason: 'gone', confirm: 'orders-prod', request_id: 'id-00000001', version: '3' };

  it('wants the exact name typed', () => {
    expect(parseDeleteForm(base, 'orders-prod')).toEqual({
      ok: true,
      input: { reason: 'gone', requestId: 'id-00000001', version: 3n },
    });
    const wrong = parseDeleteForm({ ...base, confirm: 'orders-pro' }, 'orders-prod');
    expect(wrong.ok || wrong.errors.fields.confirm).toMatch(/does not match/);
    const spaced = parseDeleteForm({ ...base, confirm: ' orders-prod' }, 'orders-prod');
    expect(spaced.ok).toBe(false);
    const noReason = parseDeleteForm({ ...base, reason: '' }, 'orders-prod');
    expect(noReason.ok || noReason.errors.fields.reason).toMatch(/reason/i);
  });
});

describe('control-plane refusals', () => {
  const invalid = (violations: { field: string; description: string }[]) =>
    new ConnectError('invalid request', Code.InvalidArgument, undefined, [
      { desc: BadRequestSchema, value: { fieldViolations: violations } },
    ]);

  it('maps field violations onto the form fields', () => {
    const errors = violationErrors(
      invalid([
        { field: 'namespace.name', description: 'name taken by policy' },
        { field: 'namespace.quota.max_sessions', description: 'too many' },
        { field: 'namespace.quota.maxStorageBytes', description: 'too big' },
        { field: 'namespace.config[very-long-key]', description: 'key too long' },
        { field: 'reason', description: 'is required' },
        { field: 'request_id', description: 'was already used' },
      ]),
      namespaceViolations,
    );
    expect(errors.fields).toEqual({
      name: 'name taken by policy',
      max_sessions: 'too many',
      max_storage: 'too big',
      config: 'key too long',
      reason: 'is required',
    });
    expect(errors.general).toEqual(['request_id: was already used']);
  });

  it('keeps a violation for a field the form lacks as a general message', () => {
    const errors = violationErrors(
      invalid([{ field: 'namespace.name', description: 'bad' }]),
      deleteViolations,
    );
    expect(errors).toEqual({ fields: {}, general: ['namespace.name: bad'] });
  });

  it('answers each code with the right status and whether to resend the same request id', () => {
    const options = {
      violations: namespaceViolations,
      alreadyExists: { field: 'name' as const, message: NAMESPACE_EXISTS },
    };
    const failure = (code: Code) => writeFailure(new ConnectError('x', code), options) ?? 'thrown';
    expect(failure(Code.AlreadyExists)).toMatchObject({
      status: 409,
      errors: { fields: { name: expect.stringMatching(/already exists/) } },
    });
    expect(failure(Code.FailedPrecondition)).toMatchObject({ status: 409, conflict: true });
    expect(failure(Code.Unavailable)).toMatchObject({ status: 503, keepRequestId: true });
    expect(failure(Code.DeadlineExceeded)).toMatchObject({ status: 504, keepRequestId: true });
    expect(failure(Code.PermissionDenied)).toMatchObject({ status: 403, keepRequestId: false });
    expect(failure(Code.NotFound)).toBe('thrown');
    expect(failure(Code.Unauthenticated)).toBe('thrown');
    expect(writeFailure(new Error('boom'), options)).toBeUndefined();
  });
});
