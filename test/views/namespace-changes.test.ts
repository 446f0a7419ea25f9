import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { NamespaceSchema, NamespaceStatus } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { namespaceDetail } from '../../src/views/namespaces/detail.js';
import {
  namespaceForm,
  namespaceFormValues,
  parseNamespaceForm,
  rebaseNamespaceForm,
  UNKNOWN_STATUS_KEPT_ONLY,
  updateMask,
} from '../../src/views/namespaces/form.js';
import { namespaceRow } from '../../src/views/namespaces/list.js';
import {
  statusChoices,
  statusFormValue,
  statusFromFormValue,
  statusInfo,
  statusLabel,
} from '../../src/views/namespaces/status.js';

/* Unknown statuses are shown and kept; an edit sends only what the operator changed. */

const NEWER = 7 as NamespaceStatus;
const GIB = 1024n ** 3n;

function namespace(init: Omit<MessageInitShape<typeof NamespaceSchema>, '$typeName'> = {}) {
  return create(NamespaceSchema, {
    name: 'orders-prod',
    description: 'Orders',
    status: NamespaceStatus.ACTIVE,
    quota: { maxSessions: 100, maxStorageBytes: 10n * GIB, maxRps: 5000 },
    config: { retention: '7d', consistency: 'strong' },
    version: 4n,
    ...init,
  } as MessageInitShape<typeof NamespaceSchema>);
}

const edited = (ns = namespace(), changes: Record<string, string> = {}) => ({
  ...namespaceFormValues(ns, 'req-00000001'),
  reason: 'because',
  ...changes,
});

describe('an unknown namespace status', () => {
  it('is shown as "Unknown (7)" everywhere, never as a known one', () => {
    expect(statusInfo(NEWER)).toEqual({ slug: undefined, label: 'Unknown (7)', tone: 'slate' });
    expect(namespaceRow(namespace({ status: NEWER })).status.label).toBe('Unknown (7)');
    expect(namespaceDetail(namespace({ status: NEWER })).status.label).toBe('Unknown (7)');
    expect(statusInfo(NamespaceStatus.UNSPECIFIED).label).toBe('Unknown');
  });

  it('is written unknown-7 in the form, offered as the selected choice, and read back', () => {
    const values = namespaceFormValues(namespace({ status: NEWER }), 'req-00000001');
    expect(values.status).toBe('unknown-7');
    expect(values.original_status).toBe('unknown-7');
    expect(statusChoices('unknown-7')).toContainEqual({ value: 'unknown-7', label: 'Unknown (7)' });
    expect(statusChoices('active').map((c) => c.value)).toEqual([
      'active',
      'read-only',
      'suspended',
    ]);
    expect(statusFromFormValue('unknown-7')).toBe(NEWER);
    expect(statusLabel('unknown-7')).toBe('Unknown (7)');
    expect(statusFormValue(NamespaceStatus.UNSPECIFIED)).toBe('unknown-0');
  });

  it('has one way to be written: a known status only by its slug, nothing past int32', () => {
    expect(statusFromFormValue('unknown-1')).toBeUndefined();
    expect(statusFromFormValue('unknown-9999999999')).toBeUndefined();
    expect(statusFromFormValue('unknown-')).toBeUndefined();
    expect(statusFromFormValue('deleted')).toBeUndefined();
  });

  it('is kept when sent back unchanged: status is not in the update mask', () => {
    const ns = namespace({ status: NEWER });
    const values = edited(ns, { description: 'Orders, v2' });
    const parsed = parseNamespaceForm(values, 'edit');
    expect(parsed.ok).toBe(true);
    expect(updateMask(values)).toEqual(['description']);
  });

  it('can be replaced by a known status', () => {
    const values = edited(namespace({ status: NEWER }), { status: 'suspended' });
    const parsed = parseNamespaceForm(values, 'edit');
    expect(parsed.ok && parsed.input.status).toBe(NamespaceStatus.SUSPENDED);
    expect(updateMask(values)).toEqual(['status']);
  });

  it('is never set by the console: chosen anew (or on create) it is refused on the field', () => {
    const tampered = edited(namespace(), { status: 'unknown-7' });
    const parsed = parseNamespaceForm(tampered, 'edit');
    expect(parsed.ok || parsed.errors.fields.status).toBe(UNKNOWN_STATUS_KEPT_ONLY);
    const created = parseNamespaceForm(
      { ...namespaceForm.empty(), ...edited(namespace(), { status: 'unknown-7' }), version: '' },
      'create',
    );
    expect(created.ok || created.errors.fields.status).toBe(UNKNOWN_STATUS_KEPT_ONLY);
    // A form without originals (rendered before they existed) cannot keep one either.
    const old = parseNamespaceForm(
      { ...edited(namespace({ status: NEWER })), original_status: '' },
      'edit',
    );
    expect(old.ok).toBe(false);
  });
});

describe('the update mask', () => {
  it('names only what changed, in the proto’s paths', () => {
    expect(updateMask(edited(namespace(), { max_rps: '10' }))).toEqual(['quota']);
    expect(updateMask(edited(namespace(), { config: 'retention=30d' }))).toEqual(['config']);
    expect(
      updateMask(edited(namespace(), { description: 'x', status: 'read-only', max_sessions: '1' })),
    ).toEqual(['description', 'status', 'quota']);
  });

  it('compares values as they are read, not as typed', () => {
    const ns = namespace();
    const same = edited(ns, {
      description: '  Orders \r\n',
      max_storage: String(10n * GIB),
      max_sessions: '1_00',
      config: '# a comment\r\nretention = 7d\r\n\r\nconsistency=strong',
    });
    expect(updateMask(same)).toEqual(['description']);
  });

  it('is never empty: empty means every field, so a save without changes names the description', () => {
    expect(updateMask(edited())).toEqual(['description']);
    expect(updateMask(edited(namespace({ status: NEWER })))).toEqual(['description']);
  });

  it('counts every field as changed for a form without originals, as before', () => {
    const values = { ...edited(), original_description: '', original_status: '' };
    expect(updateMask(values)).toEqual(['description', 'status']);
  });

  it('after a conflict compares with the current version, which the form now carries', () => {
    const mine = edited(namespace(), { max_rps: '10' });
    const theirs = namespace({ description: 'Changed meanwhile', version: 5n });
    const rebased = rebaseNamespaceForm(mine, theirs);
    expect(rebased).toMatchObject({
      version: '5',
      original_description: 'Changed meanwhile',
      description: 'Orders',
      max_rps: '10',
    });
    // Saving again applies the operator's values where they differ from the current ones.
    expect(updateMask(rebased)).toEqual(['description', 'quota']);
  });
});
