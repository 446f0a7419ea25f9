import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPattern } from '../../../src/gen/prism/admin/v1/client_configuration_pb.js';
import { byLabel, byTestId, type parse, textOf } from '../../components/namespaces/html.js';
import { type SignedIn, type Stack, startStack } from '../../helper.js';
import { getPage, htmx } from '../namespaces/support.js';

/* The list: filters, sort and pages reach the control plane; rows link both ways. */

let stack: Stack;
let viewer: SignedIn;
beforeAll(async () => {
  stack = await startStack();
  viewer = await stack.signIn('viewer');
});
afterAll(async () => {
  await stack?.close();
});

const configs = () => [...stack.controlPlane.state.clientConfigurations.values()];
const rowNames = (doc: ReturnType<typeof parse>) =>
  byTestId(doc, 'configuration-row').map((r) => r.getAttribute('data-name'));

describe('GET /client-configurations', () => {
  it('lists every configuration by name for any signed-in role, linked to namespace and backend', async () => {
    const { response, doc } = await getPage(viewer, '/client-configurations');
    expect(response.statusCode).toBe(200);
    const names = configs()
      .map((c) => c.name)
      .sort();
    expect(rowNames(doc)).toEqual(names);
    expect(textOf(byTestId(doc, 'configuration-total')[0])).toContain(`${names.length}`);
    const row = doc.querySelector('[data-name="orders-kv"]');
    expect(row?.querySelector('a[href="/client-configurations/orders-kv"]')).not.toBeNull();
    expect(row?.querySelector('a[href="/namespaces/orders-prod"]')).not.toBeNull();
    expect(row?.querySelector('a[href="/backends/redis-cache"]')).not.toBeNull();
    expect(textOf(row?.querySelector('[data-testid="pattern"]'))).toBe('key-value');
    // A viewer may read, not create.
    expect(byTestId(doc, 'new-configuration')[0]?.tagName).toBe('BUTTON');
  });

  it('filters by namespace, pattern, backend and text, as the control plane answers', async () => {
    const { doc } = await getPage(
      viewer,
      '/client-configurations?namespace=orders-prod&pattern=pubsub',
    );
    expect(rowNames(doc)).toEqual(['orders-events']);
    const redis = await getPage(viewer, '/client-configurations?backend=redis-cache');
    expect(rowNames(redis.doc)).toEqual(
      configs()
        .filter((c) => c.backend === 'redis-cache')
        .map((c) => c.name)
        .sort(),
    );
    const text = await getPage(viewer, '/client-configurations?q=webhooks');
    expect(rowNames(text.doc)).toEqual(['payment-callbacks']);
    // The filters show what is chosen; pattern and backend are selects from the control plane.
    expect(byLabel(doc, 'Namespace').getAttribute('value')).toBe('orders-prod');
    const pattern = byLabel(doc, 'Pattern');
    expect(pattern.tagName).toBe('SELECT');
    expect(pattern.querySelector('option[selected]')?.getAttribute('value')).toBe('pubsub');
    const backends = [...byLabel(doc, 'Backend').querySelectorAll('option')].map((o) =>
      o.getAttribute('value'),
    );
    expect(backends).toContain('redis-cache');
    expect(backends).toContain('kafka-events');
  });

  it('sorts by each column, and pages with the control plane’s tokens', async () => {
    const { doc } = await getPage(viewer, '/client-configurations?sort=-namespace');
    const namespaces = byTestId(doc, 'configuration-row').map((r) =>
      textOf(r.querySelectorAll('td')[2]),
    );
    expect(namespaces).toEqual([...namespaces].sort().reverse());
    const header = doc.querySelector('th[aria-sort="descending"]');
    expect(textOf(header)).toContain('Namespace');

    const first = await getPage(viewer, '/client-configurations?size=3&sort=-updated');
    expect(rowNames(first.doc)).toHaveLength(3);
    const next = first.doc.querySelector('a[rel="next"]')?.getAttribute('href') ?? '';
    expect(next).toMatch(/page=/);
    const second = await getPage(viewer, next);
    expect(rowNames(second.doc)).toHaveLength(3);
    expect(rowNames(second.doc)).not.toContain(rowNames(first.doc)[0]);
  });

  it('answers htmx with the results alone and the canonical URL for the history', async () => {
    const { response, doc } = await getPage(
      viewer,
      '/client-configurations?namespace=orders-prod&q=&pattern=',
      htmx('configuration-results'),
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<html');
    expect(response.headers['hx-push-url']).toBe('/client-configurations?namespace=orders-prod');
    expect(rowNames(doc).length).toBeGreaterThan(0);
  });

  it('redirects a plain request with empty parameters to the URL without them', async () => {
    const response = await viewer.inject({ url: '/client-configurations?namespace=&q=x' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/client-configurations?q=x');
  });

  it('says what is wrong with a bad filter or order instead of failing', async () => {
    const { response, doc } = await getPage(viewer, '/client-configurations?pattern=colour');
    expect(response.statusCode).toBe(400);
    expect(textOf(byTestId(doc, 'list-problems')[0])).toContain('Unknown access pattern');
    const token = await getPage(viewer, '/client-configurations?page=not-a-token');
    expect(token.response.statusCode).toBe(400);
    expect(textOf(byTestId(token.doc, 'list-problems')[0])).toContain(
      'The control plane refused this list',
    );
  });

  it('shows a pattern this console does not know as "Unknown (n)"', async () => {
    const config = stack.controlPlane.state.clientConfigurations.get('orders-kv');
    if (!config) throw new Error('seed changed');
    const was = config.pattern;
    config.pattern = 42 as AccessPattern;
    try {
      const { response, doc } = await getPage(viewer, '/client-configurations?q=orders-kv');
      expect(response.statusCode).toBe(200);
      const row = doc.querySelector('[data-name="orders-kv"]');
      expect(textOf(row?.querySelector('[data-testid="pattern"]'))).toBe('Unknown (42)');
      const detail = await getPage(viewer, '/client-configurations/orders-kv');
      expect(textOf(byTestId(detail.doc, 'pattern')[0])).toBe('Unknown (42)');
    } finally {
      config.pattern = was;
    }
  });

  it('falls back to text boxes, saying why, when patterns and backends cannot be listed', async () => {
    const faults = stack.controlPlane.faults.unavailableMethods;
    faults.add('ListPatterns');
    faults.add('ListBackends');
    try {
      const { response, doc } = await getPage(viewer, '/client-configurations?backend=nats-bus');
      expect(response.statusCode).toBe(200);
      expect(byLabel(doc, 'Pattern').tagName).toBe('INPUT');
      expect(byLabel(doc, 'Backend').getAttribute('value')).toBe('nats-bus');
      expect(textOf(byTestId(doc, 'choices-unavailable')[0])).toContain(
        'did not list its backends',
      );
      expect(rowNames(doc)).toEqual(
        configs()
          .filter((c) => c.backend === 'nats-bus')
          .map((c) => c.name)
          .sort(),
      );
    } finally {
      faults.delete('ListPatterns');
      faults.delete('ListBackends');
    }
  });
});
