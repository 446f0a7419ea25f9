import { routes } from '../../src/routes/table.js';

export interface RequestReceiptProps {
  /** The request id the change was sent with. */
  requestId: string | undefined;
  /** Only admins read the audit log; others see the id without a link. */
  canReadAudit: boolean;
}

/**
 * "Request id … · Audit entry": under a confirmation, so the operator can find (and quote) the
 * change in the audit log. Nothing when there is no request id.
 */
export function RequestReceipt({ requestId, canReadAudit }: RequestReceiptProps): JSX.Element {
  if (!requestId) return '';
  return (
    <p class="text-xs" data-testid="request-receipt">
      Request id{' '}
      <code class="font-mono break-all" safe>
        {requestId}
      </code>
      {canReadAudit ? (
        <>
          {' · '}
          <a class="underline" href={routes.audit.log.href({ request: requestId })}>
            Its audit entry
          </a>
        </>
      ) : (
        ''
      )}
    </p>
  );
}
