import { status } from '@grpc/grpc-js';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { byLabel, byTestId, errorFor, parse, textOf } from '../components/namespaces/html.js';
import { fill, type Posted, send } from '../routes/client-sessions/support.js';
import { getPage, htmx, hxLocation } from '../routes/namespaces/support.js';
import { type ConsoleOnConformance, consoleOnConformance } from './console-stack.js';
import { seedSessions } from './fixtures.js';
import { timestamp } from './wire.js';

/*
 * Maintenance mode on the console against a grpc-go-like control plane (./server.ts): the
 * banner on every page, and turning it on through the preview and confirmation.
 */

let c: ConsoleOnConformance;
beforeAll(async () => {
  c = await consoleOnConformance();
  seedSessions(c.server, 'orders', 3);
  seedSessions(c.server, 'billing', 2, 'SESSION_STATUS_IDLE');
});
afterAll(() => c?.close());
afterEach(() => {
  c.server.maintenance = { enabled: false };
  c.app.maintenanceCache.invalidate();
});

const PATH = '/operations/maintenance';
const ENABLE = 'form#maintenance-enable-form';
const END = 'form#maintenance-end-form';
const doc = (response: LightMyRequestResponse) => parse(response.body);
const press = (posted: Posted, step: 'preview' | 'confirm'): Posted => {
  posted.params.set('step', step);
  return posted;
};
const ahead = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 16);

describe('maintenance mode against a grpc-go control plane', () => {
  it('shows the banner on every page: message, who, since when, scheduled end', async () => {
    c.server.maintenance = {
      enabled: true,
      message: 'Storage upgrade',
      enabledBy: 'carol',
      enableTime: timestamp(Date.now() - 10 * 60_000),
      scheduledEndTime: timestamp(Date.now() + 60 * 60_000),
    };
    c.app.maintenanceCache.invalidate();
    for (const url of ['/', '/namespaces', '/sessions', PATH]) {
      const { response, doc: page } = await getPage(c.viewer, url);
      expect(response.statusCode, url).toBe(200);
      const banner = textOf(byTestId(page, 'maintenance-mode-banner')[0]);
      expect(banner, url).toContain('Storage upgrade');
      expect(banner, url).toContain('Turned on by carol');
      expect(banner, url).toMatch(/10 minutes ago|10m ago/);
    }
  });

  it('a failing GetMaintenanceStatus shows no banner and never fails the page', async () => {
    c.server.maintenance = { enabled: true, message: 'hidden', enabledBy: 'carol' };
    c.app.maintenanceCache.invalidate();
    // Unavailable on every retry the console makes.
    c.server.failNext(
      'GetMaintenanceStatus',
      { code: status.UNAVAILABLE, message: 'node is not the leader' },
      10,
    );
    const { response, doc: page } = await getPage(c.viewer, '/namespaces');
    expect(response.statusCode).toBe(200);
    expect(byTestId(page, 'maintenance-mode-banner')).toHaveLength(0);
    c.server.stopFailing('GetMaintenanceStatus');
  });

  it('turns it on: preview counts the open sessions, confirm → 303, audit entry, banner', async () => {
    const { doc: page } = await getPage(c.operator, PATH);
    const end = ahead(2);
    const first = press(
      fill(page, ENABLE, {
        values: { Message: 'Kernel patching', 'Scheduled end (UTC)': end, Reason: 'CVE-2026-1' },
      }),
      'preview',
    );
    const requestId = first.params.get('request_id') ?? '';
    const preview = doc(await send(c.operator, first));
    expect(textOf(byTestId(preview, 'maintenance-impact')[0])).toContain(
      '5 open client sessions in 2 namespaces',
    );
    expect(c.server.maintenance.enabled).toBe(false);

    const confirm = press(
      fill(preview, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    const done = await send(c.operator, confirm);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${PATH}?notice=enabled&request=${requestId}`);
    expect(c.server.maintenance).toMatchObject({
      enabled: true,
      message: 'Kernel patching',
      enabledBy: 'operator',
    });
    expect(c.server.auditLog.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({
        operation: 'SetMaintenanceMode',
        resource: 'maintenance',
        reason: 'CVE-2026-1',
        actor: 'operator',
        outcome: 'AUDIT_OUTCOME_SUCCESS',
      }),
    ]);
    const after = doc(await c.operator.inject({ url: String(done.headers.location) }));
    expect(textOf(byTestId(after, 'notice')[0])).toContain('Maintenance mode is on.');
    expect(textOf(byTestId(after, 'request-receipt')[0])).toContain(requestId);
    expect(textOf(byTestId(after, 'maintenance-mode-banner')[0])).toContain('Kernel patching');
  });

  it('ends it with htmx: HX-Location, the banner gone from the next page', async () => {
    c.server.maintenance = {
      enabled: true,
      message: 'Almost done',
      enabledBy: 'carol',
      enableTime: timestamp(Date.now() - 60_000),
    };
    c.app.maintenanceCache.invalidate();
    const { doc: page } = await getPage(c.admin, PATH);
    const first = fill(page, END);
    first.params.set('reason', 'Done');
    const preview = doc(await send(c.admin, press(first, 'preview'), htmx('maintenance-end-form')));
    const confirm = press(fill(preview, END, { values: { Confirmation: 'end' } }), 'confirm');
    const requestId = confirm.params.get('request_id') ?? '';
    const ended = await send(c.admin, confirm, htmx('maintenance-end-form'));
    expect(hxLocation(ended)).toBe(`${PATH}?notice=ended&request=${requestId}`);
    expect(c.server.maintenance.enabled).toBe(false);
    expect(c.server.auditLog.filter((e) => e.requestId === requestId)).toEqual([
      expect.objectContaining({ actor: 'admin', reason: 'Done', outcome: 'AUDIT_OUTCOME_SUCCESS' }),
    ]);
    const next = await getPage(c.viewer, '/backends');
    expect(byTestId(next.doc, 'maintenance-mode-banner')).toHaveLength(0);
  });

  it('the control plane’s field violation is shown beside the field, the request id kept', async () => {
    const { doc: page } = await getPage(c.operator, PATH);
    const previewed = doc(
      await send(
        c.operator,
        press(fill(page, ENABLE, { values: { Message: 'Hi', Reason: 'testing' } }), 'preview'),
      ),
    );
    const confirm = press(
      fill(previewed, ENABLE, { values: { Confirmation: 'maintenance' } }),
      'confirm',
    );
    c.server.failNext('SetMaintenanceMode', {
      code: status.INVALID_ARGUMENT,
      message: 'invalid SetMaintenanceModeRequest',
      details: [
        {
          type: 'BadRequest',
          value: { field_violations: [{ field: 'message', description: 'must say what changes' }] },
        },
      ],
    });
    const answer = await send(c.operator, confirm);
    expect(answer.statusCode).toBe(422);
    const form = doc(answer);
    expect(errorFor(form, byLabel(form, 'Message'))).toBe('must say what changes');
    expect(c.server.maintenance.enabled).toBe(false);
  });
});
