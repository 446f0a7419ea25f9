import type { DemoControlPlane } from '../../../src/dev/control-plane/index.js';
import type { AuditEntryInit } from '../../../src/dev/control-plane/state.js';
import { AuditOutcome } from '../../../src/gen/prism/admin/v1/audit_pb.js';
import { parseHtml, textOf } from '../../dom.js';

/** Appends `count` entries for `actor` (newest last), `perSecond` sharing each timestamp. */
export function seedAudit(
  cp: DemoControlPlane,
  actor: string,
  count: number,
  init: Partial<AuditEntryInit> = {},
  options: { at?: number; perSecond?: number } = {},
): void {
  const at = options.at ?? Date.now() - 3_600_000 * 2;
  const perSecond = options.perSecond ?? 1;
  for (let i = 0; i < count; i++) {
    cp.state.appendAudit(
      {
        actor,
        operation: 'UpdateNamespace',
        resource: `namespaces/${actor}`,
        namespace: actor,
        outcome: AuditOutcome.SUCCESS,
        reason: `reason ${i}`,
        requestId: `${actor}-${String(i).padStart(5, '0')}`,
        ...init,
      },
      new Date(at + Math.floor(i / perSecond) * 1000),
    );
  }
}

/** The rows of the audit table: request id, resource and outcome as shown. */
export function rowsOf(html: string) {
  const doc = parseHtml(html);
  return [...doc.querySelectorAll('[data-testid="audit-row"]')].map((row) => {
    const cells = [...row.querySelectorAll('td')];
    return {
      time: textOf(cells[0]),
      actor: textOf(cells[1]),
      operation: textOf(cells[2]),
      resource: textOf(cells[3]),
      resourceHref: cells[3]?.querySelector('a')?.getAttribute('href') ?? undefined,
      outcome: textOf(cells[4]),
      error: textOf(cells[5]),
      reason: textOf(cells[6]),
      requestId: textOf(cells[7]),
      requestHref: cells[7]?.querySelector('a')?.getAttribute('href') ?? undefined,
    };
  });
}

export function summaryOf(html: string) {
  const doc = parseHtml(html);
  return {
    text: textOf(doc.querySelector('[data-testid="audit-summary"] p')),
    older: doc.querySelector('[data-testid="audit-older"]')?.getAttribute('href') ?? undefined,
    newest: doc.querySelector('[data-testid="audit-newest"]')?.getAttribute('href') ?? undefined,
    error: textOf(doc.querySelector('[data-testid="audit-error"]')),
    empty: textOf(doc.querySelector('[data-testid="audit-empty"]')),
  };
}
