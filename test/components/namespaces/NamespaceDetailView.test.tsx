import { describe, expect, it } from 'vitest';
import { NamespaceDetailView } from '../../../components/namespaces/NamespaceDetailView.js';
import { NamespaceStatus } from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import { namespaceDetail } from '../../../src/views/namespaces/detail.js';
import { GIB, IMG_PAYLOAD, namespace, SCRIPT_PAYLOAD } from './fixtures.js';
import { byTestId, parse, textOf } from './html.js';

async function render(ns = namespace()) {
  return parse(await (<NamespaceDetailView detail={namespaceDetail(ns)} />));
}

describe('NamespaceDetailView', () => {
  it('shows each quota against live usage, "unlimited" when 0, and over-quota in words', async () => {
    const doc = await render(
      namespace({
        quota: { maxSessions: 0, maxStorageBytes: 1n * GIB, maxRps: 100 },
        metrics: { activeSessions: 7, storageUsedBytes: 2n * GIB, rps: 50 },
      }),
    );
    const cards = byTestId(doc, 'quota-usage').map((card) => ({
      quota: card.getAttribute('data-quota'),
      used: textOf(card.querySelector('[data-testid="usage-used"]')),
      limit: textOf(card.querySelector('[data-testid="usage-limit"]')),
      percent: textOf(card.querySelector('[data-testid="usage-percent"]')),
    }));
    expect(cards).toEqual([
      { quota: 'Sessions', used: '7', limit: 'unlimited', percent: '' },
      { quota: 'Storage', used: '2.0 GiB', limit: '1.0 GiB', percent: '200% — over quota' },
      { quota: 'Requests per second', used: '50/s', limit: '100/s', percent: '50%' },
    ]);
  });

  it('shows usage that is no number, or far over quota, in words', async () => {
    const doc = await render(
      namespace({
        quota: { maxSessions: 1, maxStorageBytes: 1n, maxRps: 100 },
        metrics: { activeSessions: -2, storageUsedBytes: 2n ** 63n - 1n, rps: Number.NaN },
      }),
    );
    const cards = byTestId(doc, 'quota-usage').map((card) => ({
      used: textOf(card.querySelector('[data-testid="usage-used"]')),
      percent: textOf(card.querySelector('[data-testid="usage-percent"]')),
      text: textOf(card),
    }));
    expect(cards.map(({ used, percent }) => ({ used, percent }))).toEqual([
      { used: '-2', percent: '0%' },
      { used: '8.0 EiB', percent: 'more than 999,999% — over quota' },
      { used: 'unknown', percent: '' },
    ]);
    // The limit is set, so "No limit set" would be wrong even when the usage is unknown.
    expect(cards[2]?.text).not.toContain('No limit set');
  });

  it('shows status, config as a table, placement and provenance', async () => {
    const doc = await render(
      namespace({
        status: NamespaceStatus.SUSPENDED,
        config: { retention: '7d', compression: 'zstd' },
      }),
    );
    expect(byTestId(doc, 'status-badge')[0]?.getAttribute('data-status')).toBe('suspended');
    const entries = byTestId(doc, 'config-entry').map((row) => [
      textOf(row.querySelector('th')),
      textOf(row.querySelector('td')),
    ]);
    expect(entries).toEqual([
      ['compression', 'zstd'],
      ['retention', '7d'],
    ]);
    expect(doc.querySelector('[data-testid="config"] th[scope="col"]')).not.toBeNull();
    expect(textOf(byTestId(doc, 'assigned-proxy')[0])).toBe('proxy-1');
    expect(textOf(byTestId(doc, 'partition')[0])).toBe('4');
    expect(textOf(byTestId(doc, 'created')[0])).toBe('2026-01-02 03:04:05 UTC by alice');
    expect(textOf(byTestId(doc, 'updated')[0])).toBe('2026-02-03 04:05:06 UTC by bob');
    expect(textOf(byTestId(doc, 'version')[0])).toBe('3');
  });

  it('says when there is no config', async () => {
    const doc = await render(namespace({ config: {} }));
    expect(byTestId(doc, 'config-entry')).toHaveLength(0);
    expect(textOf(byTestId(doc, 'config-empty')[0])).toBe('No configuration set.');
  });

  it('shows markup in the description, config and provenance as text', async () => {
    const doc = await render(
      namespace({
        description: IMG_PAYLOAD,
        config: { key: SCRIPT_PAYLOAD },
        createdBy: IMG_PAYLOAD,
        assignedProxy: SCRIPT_PAYLOAD,
      }),
    );
    expect(doc.querySelector('img')).toBeNull();
    expect(doc.querySelector('script')).toBeNull();
    expect(textOf(byTestId(doc, 'namespace-description')[0])).toBe(IMG_PAYLOAD);
    expect(textOf(byTestId(doc, 'config-entry')[0]?.querySelector('td'))).toBe(SCRIPT_PAYLOAD);
    expect(textOf(byTestId(doc, 'created')[0])).toContain(IMG_PAYLOAD);
  });
});
