import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { LightMyRequestResponse } from 'fastify';
import type { Document } from 'happy-dom';
import { MaintenanceStatusSchema } from '../../src/gen/prism/admin/v1/operations_pb.js';
import { parse } from '../components/namespaces/html.js';
import type { Stack } from '../helper.js';
import { fill, type Posted } from '../routes/client-sessions/support.js';

/*
 * Helpers for the maintenance tests: the demo control plane's maintenance state set directly
 * (as another replica or a CLI would), and a count of the GetMaintenanceStatus calls it gets.
 */

/** Turns maintenance on in the control plane's state, as someone else (another replica) did. */
export function maintenanceOn(
  stack: Stack,
  fields: { message?: string; by?: string; sinceMs?: number; endMs?: number } = {},
): void {
  const now = Date.now();
  stack.controlPlane.state.maintenance = create(MaintenanceStatusSchema, {
    enabled: true,
    message: fields.message ?? 'Upgrading the storage cluster',
    enabledBy: fields.by ?? 'carol',
    enableTime: timestampFromMs(fields.sinceMs ?? now - 10 * 60_000),
    ...(fields.endMs === undefined ? {} : { scheduledEndTime: timestampFromMs(fields.endMs) }),
  });
  // As if this replica's cached state had expired: the next page reads it.
  stack.app.maintenanceCache.invalidate();
}

export function maintenanceOff(stack: Stack): void {
  stack.controlPlane.state.maintenance = create(MaintenanceStatusSchema, { enabled: false });
  stack.app.maintenanceCache.invalidate();
}

/**
 * Counts the calls of `method` that reach the demo control plane: its fault interceptor asks
 * `unavailableMethods.has(method)` of every call, so a set that counts and says no sees them all.
 */
export function countCalls(stack: Stack, method: string): { count(): number; reset(): void } {
  let calls = 0;
  class CountingSet extends Set<string> {
    override has(name: string): boolean {
      if (name === method) calls += 1;
      return super.has(name);
    }
  }
  stack.controlPlane.faults.unavailableMethods = new CountingSet(
    stack.controlPlane.faults.unavailableMethods,
  );
  return {
    count: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}

// --- the maintenance page's forms, as a browser posts them -------------------------------------

export const MAINTENANCE_PATH = '/operations/maintenance';
export const ENABLE = 'form#maintenance-enable-form';
export const END = 'form#maintenance-end-form';

/** What a browser sends when the button with `name=step value=step` is pressed. */
export const press = (posted: Posted, step: 'preview' | 'confirm' | 'edit'): Posted => {
  posted.params.set('step', step);
  return posted;
};

/** The end form (the page's second form: its labels repeat the first's), with a reason. */
export function endForm(page: Document, reason: string): Posted {
  const posted = fill(page, END);
  posted.params.set('reason', reason);
  return posted;
}

/** A datetime-local value `hours` ahead, in UTC (the form's zone). */
export const ahead = (hours: number) =>
  new Date(Date.now() + hours * 3600_000).toISOString().slice(0, 16);

export const doc = (response: LightMyRequestResponse) => parse(response.body);
