import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { NamespaceSchema } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { MaintenanceStatusSchema } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { durationText, maintenanceView } from '../../../src/views/operations/maintenance.js';
import {
  parseDatetimeLocal,
  parseMaintenanceForm,
  requestFromValues,
} from '../../../src/views/operations/maintenance-form.js';
import {
  addNamespaces,
  emptyImpact,
  impactText,
} from '../../../src/views/operations/maintenance-impact.js';

// The maintenance views on their own: what is typed, what is shown, what is counted.

const NOW = new Date('2026-12-02T10:00:00Z');
const form = (fields: Record<string, string>) => ({
  message: '',
  scheduled_end: '',
  reason: '',
  confirm: '',
  request_id: '0b5c1c1e-0000-4000-8000-000000000001',
  mode: 'enable',
  step: 'preview',
  ...fields,
});

describe('the scheduled end', () => {
  it('reads a datetime-local value as UTC, with or without seconds, and refuses dates that are not', () => {
    expect(parseDatetimeLocal('2026-12-24T18:00')).toBe(Date.parse('2026-12-24T18:00:00Z'));
    expect(parseDatetimeLocal('2026-12-24T18:00:30')).toBe(Date.parse('2026-12-24T18:00:30Z'));
    expect(parseDatetimeLocal('2026-02-31T10:00')).toBeUndefined();
    expect(parseDatetimeLocal('tomorrow')).toBeUndefined();
    expect(parseDatetimeLocal('')).toBeUndefined();
  });

  it('is optional; when given it has to be in the future', () => {
    expect(parseMaintenanceForm(form({ message: 'm', reason: 'r' }), NOW, false).ok).toBe(true);
    const past = parseMaintenanceForm(
      form({ message: 'm', reason: 'r', scheduled_end: '2026-12-02T09:59' }),
      NOW,
      false,
    );
    expect(past.ok ? {} : past.errors.fields).toEqual({
      scheduled_end: 'The scheduled end has to be in the future.',
    });
  });
});

describe('the form', () => {
  it('ending needs only a reason (and then "end"); a tampered mode is an incomplete form', () => {
    const end = parseMaintenanceForm(
      form({ mode: 'end', reason: 'done', confirm: 'END' }),
      NOW,
      true,
    );
    expect(end).toMatchObject({ ok: true, input: { mode: 'end', message: '' } });
    const odd = parseMaintenanceForm(form({ mode: 'explode', reason: 'r' }), NOW, false);
    expect(odd.ok ? [] : odd.errors.general[0]).toContain('arrived incomplete');
  });

  it('sends (and copies as a command) exactly what it will ask for', () => {
    expect(
      requestFromValues(form({ message: ' m ', scheduled_end: '2026-12-24T18:00', reason: 'r' })),
    ).toMatchObject({
      enabled: true,
      message: 'm',
      scheduledEndTime: { seconds: BigInt(Date.parse('2026-12-24T18:00:00Z') / 1000) },
      reason: 'r',
    });
    expect(requestFromValues(form({ mode: 'end', message: 'left', reason: 'r' }))).toEqual(
      expect.objectContaining({ enabled: false, message: '' }),
    );
  });
});

describe('the state shown', () => {
  it('never fails on odd times: a missing start, an end past year 9999', () => {
    const view = maintenanceView(
      create(MaintenanceStatusSchema, {
        enabled: true,
        scheduledEndTime: { seconds: 10n ** 15n, nanos: Number.NaN },
      }),
      NOW,
    );
    expect(view).toMatchObject({ enabledBy: 'someone', overdue: undefined });
    expect(view?.scheduledEnd?.absolute).toBe('after 9999-12-31');
    expect(view?.since.datetime).toBeUndefined();
    expect(maintenanceView(undefined, NOW)).toBeUndefined();
  });

  it('says durations in minutes, hours and days', () => {
    expect(durationText(59_999)).toBe('0 min');
    expect(durationText(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(durationText(50 * 3600_000)).toBe('2 d 2 h');
  });
});

describe('who is told', () => {
  it('sums the open sessions of the namespaces that have any, ignoring nonsense counts', () => {
    const impact = emptyImpact();
    const ns = (activeSessions: number) => create(NamespaceSchema, { metrics: { activeSessions } });
    addNamespaces(impact, [ns(1200), ns(1), ns(0), ns(-5), ns(Number.NaN)]);
    expect(impactText(impact)).toBe('1,201 open client sessions in 2 namespaces');
    expect(impactText({ sessions: 1, namespaces: 1, partial: true })).toBe(
      'at least 1 open client session in 1 namespace',
    );
  });
});
