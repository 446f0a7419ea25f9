import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { MaintenanceBanner } from '../../../components/layout/MaintenanceBanner.js';
import { MaintenanceStatusSchema } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { maintenanceView } from '../../../src/views/operations/maintenance.js';
import { parseHtml, textOf } from '../../dom.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const at = (iso: string) => timestampFromMs(Date.parse(iso));

async function render(fields: Parameters<typeof create<typeof MaintenanceStatusSchema>>[1]) {
  const view = maintenanceView(create(MaintenanceStatusSchema, fields), NOW);
  const doc = parseHtml(await (<MaintenanceBanner view={view} />));
  return { doc, banner: doc.querySelector('[data-testid="maintenance-mode-banner"]') };
}

describe('MaintenanceBanner', () => {
  it('says what, who, since when and until when, relative and absolute, and links to the page', async () => {
    const { banner } = await render({
      enabled: true,
      message: 'Storage upgrade',
      enabledBy: 'alice',
      enableTime: at('2026-12-02T09:48:00Z'),
      scheduledEndTime: at('2026-12-02T13:00:00Z'),
    });
    expect(banner?.getAttribute('role')).toBe('status');
    expect(textOf(banner)).toBe(
      'Maintenance mode is onStorage upgradeTurned on by alice 12m ago (2026-12-02 09:48:00 UTC). Scheduled to end in 3h (2026-12-02 13:00:00 UTC). Maintenance mode',
    );
    const since = banner?.querySelector('[data-testid="maintenance-since"]');
    expect(since?.getAttribute('datetime')).toBe('2026-12-02T09:48:00Z');
    expect(since?.getAttribute('title')).toBe('2026-12-02 09:48:00 UTC');
    expect(banner?.querySelector('a')?.getAttribute('href')).toBe('/operations/maintenance');
  });

  it('says how long ago the scheduled end passed, and escapes the message', async () => {
    const { banner } = await render({
      enabled: true,
      message: '<img src=x onerror=alert(1)>',
      enabledBy: '',
      enableTime: at('2026-12-02T06:00:00Z'),
      scheduledEndTime: at('2026-12-02T08:35:00Z'),
    });
    expect(banner?.querySelector('img')).toBeNull();
    expect(textOf(banner)).toContain('<img src=x onerror=alert(1)>');
    expect(textOf(banner)).toContain('Turned on by someone');
    expect(textOf(banner?.querySelector('[data-testid="maintenance-overdue"]'))).toBe(
      'Its scheduled end passed 1 h 25 min ago (2026-12-02 08:35:00 UTC).',
    );
  });

  it('says an end past year 9999 in words, not as a date', async () => {
    const { banner } = await render({
      enabled: true,
      message: 'm',
      enabledBy: 'bob',
      scheduledEndTime: { seconds: 999_999_999_999n, nanos: 0 },
    });
    expect(textOf(banner)).toContain(
      'Turned on by bob at a time the control plane did not say. Scheduled to end in the future (after 9999-12-31).',
    );
  });

  it('shows no end when none (or a Go zero time) is scheduled', async () => {
    for (const scheduledEndTime of [undefined, { seconds: -62_135_596_800n, nanos: 0 }]) {
      const { banner } = await render({
        enabled: true,
        message: 'm',
        enabledBy: 'bob',
        enableTime: at('2026-12-02T09:00:00Z'),
        ...(scheduledEndTime ? { scheduledEndTime } : {}),
      });
      expect(textOf(banner)).toContain('No end is scheduled.');
    }
  });

  it('is an empty slot when off, so the page after an htmx post clears a stale banner', async () => {
    const { doc, banner } = await render({ enabled: false, message: 'left over' });
    expect(banner).toBeNull();
    const slot = doc.getElementById('maintenance-banner');
    expect(slot).not.toBeNull();
    expect(textOf(slot)).toBe('');
  });
});
