import { Code, ConnectError } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { binder, defineForm } from '../../src/forms/contract.js';
import { envelopeProblem, INCOMPLETE_FORM } from '../../src/forms/envelope.js';
import { noErrors, violationErrors } from '../../src/forms/errors.js';
import { defineNotices } from '../../src/forms/notices.js';
import { writeFailure } from '../../src/forms/write-failure.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';

const form = defineForm({
  labels: { name: 'Name', max_rps: 'Max requests per second' },
  hidden: ['request_id'],
});

describe('a form contract', () => {
  it('reads each field as the string the browser sent, and nothing else', () => {
    expect(
      form.body.parse({
        name: ['first', 'second'],
        max_rps: 12,
        role: 'admin',
        _csrf: 'token',
      }),
    ).toEqual({ name: 'first', max_rps: '', request_id: '', _csrf: 'token' });
    // Never fails: what is wrong with a value is said beside its field.
    expect(form.body.safeParse(undefined).success).toBe(true);
    expect(form.body.safeParse('name=x').success).toBe(true);
  });

  it('binds a field to its name, id, value and message', () => {
    const bind = binder(
      form,
      'ns',
      { name: 'a', max_rps: 'lots', request_id: 'r' },
      { fields: { max_rps: 'Enter a number.' } },
    );
    expect(bind('max_rps')).toEqual({
      name: 'max_rps',
      label: 'Max requests per second',
      id: 'ns-max-rps',
      value: 'lots',
      error: 'Enter a number.',
    });
    expect(bind('name').error).toBeUndefined();
    expect(bind('request_id').label).toBe('');
    expect(form.visible).toEqual(['name', 'max_rps']);
    expect(form.fields).toEqual(['name', 'max_rps', 'request_id']);
  });
});

describe('control-plane violations', () => {
  const invalid = (field: string) =>
    new ConnectError('invalid', Code.InvalidArgument, undefined, [
      { desc: BadRequestSchema, value: { fieldViolations: [{ field, description: 'bad' }] } },
    ]);
  const map = { 'thing.quota.max_rps': 'max_rps', 'thing.config': 'config' } as const;

  it('go to the field of the longest mapped path, camel or snake case', () => {
    expect(violationErrors(invalid('thing.quota.maxRps'), map).fields).toEqual({ max_rps: 'bad' });
    expect(violationErrors(invalid('thing.config["k"]'), map).fields).toEqual({ config: 'bad' });
    expect(violationErrors(invalid('thing.config.k.deep'), map).fields).toEqual({ config: 'bad' });
  });

  it('stay general when the form has no such field (never matched on a prototype key)', () => {
    expect(violationErrors(invalid('constructor'), map)).toEqual({
      fields: {},
      general: ['constructor: bad'],
    });
  });
});

describe('write failures', () => {
  it('keep the request id only when the outcome is unknown', () => {
    const options = { violations: {} };
    expect(writeFailure(new ConnectError('x', Code.Unavailable), options)?.keepRequestId).toBe(
      true,
    );
    expect(writeFailure(new ConnectError('x', Code.DeadlineExceeded), options)?.keepRequestId).toBe(
      true,
    );
    expect(writeFailure(new ConnectError('x', Code.PermissionDenied), options)?.keepRequestId).toBe(
      false,
    );
    expect(writeFailure(new ConnectError('x', Code.AlreadyExists), options)).toMatchObject({
      status: 409,
      errors: { fields: {}, general: ['The control plane said: “x”'] },
    });
  });
});

describe('the envelope and notices', () => {
  it('needs a request id, and a version when asked', () => {
    expect(envelopeProblem({ request_id: 'abcdefgh' }, false)).toBeUndefined();
    expect(envelopeProblem({ request_id: 'short' }, false)).toBe(INCOMPLETE_FORM);
    expect(envelopeProblem({ request_id: 'abcdefgh', version: '' }, true)).toBe(INCOMPLETE_FORM);
    expect(envelopeProblem({ request_id: 'abcdefgh', version: '12' }, true)).toBeUndefined();
  });

  it('show only fixed texts, and only where asked', () => {
    const notices = defineNotices({ saved: 'Saved.', gone: 'Gone.' });
    expect(notices.text('saved', ['saved'])).toBe('Saved.');
    expect(notices.text('gone', ['saved'])).toBeUndefined();
    expect(notices.text('<b>x</b>', ['saved'])).toBeUndefined();
    expect(notices.text('toString', ['saved'])).toBeUndefined();
    expect(noErrors()).toEqual({ fields: {}, general: [] });
  });
});
