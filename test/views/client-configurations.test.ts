import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import {
  AccessPattern,
  ClientConfigurationSchema,
} from '../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { conflictView } from '../../src/views/client-configurations/changes.js';
import { backendOptions } from '../../src/views/client-configurations/choices.js';
import { deleteCommand, saveCommand } from '../../src/views/client-configurations/commands.js';
import {
  configurationFormValues,
  parseConfigurationForm,
} from '../../src/views/client-configurations/form.js';
import { listRequest, parseListQuery } from '../../src/views/client-configurations/list.js';
import {
  applyEditorAction,
  editorAction,
  parseOptions,
  rowsFrom,
} from '../../src/views/client-configurations/options.js';
import {
  patternChoices,
  patternFromFormValue,
  patternLabel,
  patternValue,
} from '../../src/views/client-configurations/pattern.js';

const config = (init: Omit<MessageInitShape<typeof ClientConfigurationSchema>, '$typeName'> = {}) =>
  create(ClientConfigurationSchema, {
    name: 'orders-kv',
    namespace: 'orders-prod',
    pattern: AccessPattern.KEYVALUE,
    backend: 'redis-cache',
    description: 'Orders',
    options: { ttl: '60', size: '1k' },
    version: 3n,
    updateTime: timestampFromDate(new Date('2026-11-30T10:00:00Z')),
    updatedBy: 'alice',
    ...init,
  } as MessageInitShape<typeof ClientConfigurationSchema>);

describe('access patterns', () => {
  it('are written as slugs, unknown ones as unknown-n, and read back from what people type', () => {
    expect(patternValue(AccessPattern.OBJECT_STORE)).toBe('object-store');
    expect(patternValue(9 as AccessPattern)).toBe('unknown-9');
    expect(patternLabel(9 as AccessPattern)).toBe('Unknown (9)');
    for (const typed of [
      'keyvalue',
      'Key-Value',
      'KEYVALUE',
      'ACCESS_PATTERN_KEYVALUE',
      'key value',
    ]) {
      expect(patternFromFormValue(typed), typed).toBe(AccessPattern.KEYVALUE);
    }
    expect(patternFromFormValue('unknown-9')).toBe(9);
    expect(patternFromFormValue('unknown-0')).toBeUndefined();
    expect(patternFromFormValue('colour')).toBeUndefined();
  });

  it('offer what the control plane lists, plus the current value', () => {
    const listed = [AccessPattern.QUEUE, AccessPattern.KEYVALUE, AccessPattern.QUEUE];
    expect(patternChoices(listed, '').map((c) => c.value)).toEqual(['keyvalue', 'queue']);
    expect(patternChoices(listed, 'unknown-9').map((c) => c.label)).toEqual([
      'key-value',
      'queue',
      'Unknown (9)',
    ]);
    expect(backendOptions([{ name: 'b', type: 'redis' }], 'gone')).toEqual([
      { value: 'b', label: 'b (redis)' },
      { value: 'gone', label: 'gone (not listed)' },
    ]);
  });
});

describe('the options editor', () => {
  it('pairs repeated keys and values, and applies Add and Remove', () => {
    expect(rowsFrom(['a', 'b'], ['1'])).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '' },
    ]);
    expect(rowsFrom('a', '1')).toEqual([{ key: 'a', value: '1' }]);
    expect(rowsFrom(undefined, undefined)).toEqual([]);
    expect(rowsFrom(Array(1000).fill('k'), [])).toHaveLength(200);
    expect(editorAction('add-row')).toEqual({ kind: 'add' });
    expect(editorAction('remove-2')).toEqual({ kind: 'remove', index: 2 });
    expect(editorAction('')).toBeUndefined();
    expect(editorAction('remove-x')).toBeUndefined();
    const rows = rowsFrom(['a', 'b', 'c'], ['1', '2', '3']);
    expect(applyEditorAction(rows, { kind: 'remove', index: 1 }).map((r) => r.key)).toEqual([
      'a',
      'c',
    ]);
    expect(applyEditorAction(rows, { kind: 'add' })).toHaveLength(4);
  });

  it('ignores empty rows and explains bad, repeated and missing keys by row', () => {
    expect(parseOptions(rowsFrom(['a', '', ' b '], ['1', '', '2']))).toEqual({
      ok: true,
      options: { a: '1', b: '2' },
    });
    const bad = parseOptions(rowsFrom(['a', 'a', 'bad key', '', '-x'], ['1', '2', '3', 'v', '']));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.rows)).toEqual(['1', '2', '3', '4']);
    expect(bad.rows[1]).toContain('already used in option 1');
    expect(bad.rows[3]).toContain('Give this option a key');
  });
});

describe('the form', () => {
  it('reads a valid form; asks for a pattern; refuses choosing an unknown pattern but keeps one', () => {
    const values = { ...configurationFormValues(config(), 'req-00000001'), reason: 'why' };
    const parsed = parseConfigurationForm(values, 'edit');
    expect(parsed).toMatchObject({
      ok: true,
      input: { pattern: AccessPattern.KEYVALUE, options: { size: '1k', ttl: '60' }, version: 3n },
    });
    const unknown = configurationFormValues(
      config({ pattern: 9 as AccessPattern }),
      'req-00000002',
    );
    expect(parseConfigurationForm({ ...unknown, reason: 'keep' }, 'edit').ok).toBe(true);
    const chosen = parseConfigurationForm(
      { ...values, pattern: 'unknown-9', reason: 'choose' },
      'edit',
    );
    expect(chosen.ok ? '' : chosen.errors.fields.pattern).toContain('not one the console can set');
    expect(parseConfigurationForm({ ...values, request_id: '' }, 'edit').ok).toBe(false);
  });

  it('lists what someone else changed after a conflict', () => {
    const values = { ...configurationFormValues(config(), 'req-00000001'), description: 'Mine' };
    // The hidden originals come back with CRLF line ends, as browsers send them.
    values.original_options = values.original_options.replace(/\n/g, '\r\n');
    const now = config({
      backend: 'kafka-events',
      options: { ttl: '60', size: '1k' },
      version: 4n,
    });
    const view = conflictView(values, now);
    expect(view.changes.map((c) => c.field)).toEqual(['backend']);
    expect(view.changes[0]).toMatchObject({
      before: 'redis-cache',
      now: 'kafka-events',
      yours: 'redis-cache',
    });
    expect(view).toMatchObject({ version: '4', updatedBy: 'alice' });
  });

  it('gives the buf curl command of the request it would send, quoted for the shell', () => {
    const values = {
      ...configurationFormValues(config(), 'req-00000001'),
      reason: "it's $(rm -rf /)",
    };
    const update = saveCommand('edit', values, { baseUrl: 'http://cp:8981' });
    expect(update).toContain('/prism.admin.v1.AdminService/UpdateClientConfiguration');
    expect(update).toMatch(/"version": ?"3"/);
    expect(update).toContain(`it'\\''s $(rm -rf /)`);
    expect(saveCommand('create', values, { baseUrl: 'http://cp:8981' })).not.toMatch(/"version"/);
    const del = deleteCommand(
      'orders-kv',
      { version: '3', request_id: 'r-1234567', reason: 'x' },
      { baseUrl: 'http://cp' },
    );
    expect(del).toContain('DeleteClientConfiguration');
    expect(del).not.toMatch(/Bearer [^$]/);
  });
});

describe('the list query', () => {
  it('becomes the control-plane request', () => {
    const { query, problems } = parseListQuery({
      namespace: 'orders-prod',
      pattern: 'object-store',
      backend: 's3',
      q: 'x',
      sort: '-updated',
      page: undefined,
      size: '25',
      notice: undefined,
      request: undefined,
    });
    expect(problems).toEqual([]);
    expect(listRequest(query)).toEqual({
      namespace: 'orders-prod',
      pattern: AccessPattern.OBJECT_STORE,
      backend: 's3',
      filter: 'x',
      orderBy: 'update_time desc',
      pageSize: 25,
      pageToken: '',
    });
  });
});

describe('the list query pattern', () => {
  it('accepts what is typed in the fallback text box, and reports what it cannot read', () => {
    const read = (pattern: string) =>
      parseListQuery({
        namespace: undefined,
        pattern,
        backend: undefined,
        q: undefined,
        sort: undefined,
        page: undefined,
        size: undefined,
        notice: undefined,
        request: undefined,
      });
    expect(read('Object store').query.pattern).toBe('object-store');
    expect(read('unknown-9').problems[0]).toContain('Unknown access pattern');
    expect(read('colour').problems[0]).toContain('Unknown access pattern');
  });
});
