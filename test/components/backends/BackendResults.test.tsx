import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { BackendResults } from '../../../components/backends/BackendResults.js';
import {
  BackendHealth,
  type BackendHealth as BackendHealthType,
  BackendSchema,
} from '../../../src/gen/prism/admin/v1/backend_pb.js';
import { backendListView } from '../../../src/views/backends/list.js';
import { parse, textOf } from '../namespaces/html.js';

const NOW = new Date('2026-12-02T05:00:00Z');

describe('BackendResults', () => {
  it('marks a stale check, shows unknown health, and escapes what the control plane sent', async () => {
    const view = backendListView(
      [
        create(BackendSchema, {
          name: 'fresh',
          type: 'redis',
          health: BackendHealth.HEALTHY,
          lastCheckTime: timestampFromDate(new Date(NOW.getTime() - 10_000)),
        }),
        create(BackendSchema, {
          name: 'old<b>',
          type: '<img src=x onerror=alert(1)>',
          health: 9 as BackendHealthType,
          healthMessage: '<script>alert(1)</script>',
          lastCheckTime: timestampFromDate(new Date(NOW.getTime() - 5 * 60_000)),
        }),
      ],
      2,
      NOW,
    );
    const html = await (<BackendResults view={view} />);
    const doc = parse(html);
    const [fresh, old] = [...doc.querySelectorAll('[data-testid="backend-row"]')];
    expect(fresh?.querySelector('[data-testid="stale"]')).toBeNull();
    expect(textOf(old?.querySelector('[data-testid="last-check"]'))).toBe('5m ago stale');
    expect(textOf(old?.querySelector('[data-testid="health-badge"]'))).toBe('Unknown (9)');
    expect(textOf(old?.querySelector('[data-testid="health-message"]'))).toBe(
      '<script>alert(1)</script>',
    );
    expect(old?.querySelector('a')?.getAttribute('href')).toBe('/backends/old%3Cb%3E');
    expect(doc.querySelector('script, img, b')).toBeNull();
  });

  it('says so when there are no backends', async () => {
    const doc = parse(await (<BackendResults view={backendListView([], 0, NOW)} />));
    expect(textOf(doc.querySelector('[data-testid="backends-empty"]'))).toMatch(/no backends/);
  });
});
