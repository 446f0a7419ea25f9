import { routes } from '../../src/routes/table.js';

export interface AuditTrailLinkProps {
  /** The resource's name in the audit log: `namespaces/orders`, `sessions/s-1`. */
  resource: string;
  /** For a namespace: also everything done in it (sessions, configurations). */
  namespace?: string | undefined;
  /** Only admins read the audit log: nothing for others. */
  canReadAudit: boolean;
}

/** "Audit trail": links from a resource's page to its entries in the audit log (admins). */
export function AuditTrailLink({ resource, namespace, canReadAudit }: AuditTrailLinkProps) {
  if (!canReadAudit) return '';
  return (
    <p class="mt-6 flex flex-wrap gap-4 text-sm" data-testid="audit-trail">
      <a href={routes.audit.log.href({ resource })} class="underline">
        Audit trail of this {namespace ? 'namespace' : 'resource'}
      </a>
      {namespace ? (
        <a href={routes.audit.log.href({ namespace })} class="underline">
          Everything audited in this namespace
        </a>
      ) : (
        ''
      )}
    </p>
  );
}
