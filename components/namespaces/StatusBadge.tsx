import type { StatusInfo } from '../../src/views/namespaces/status.js';
import { Badge } from '../ui/Badge.js';

/** ACTIVE green, READ_ONLY amber, SUSPENDED red. */
export function StatusBadge({ status }: { status: StatusInfo }): JSX.Element {
  return (
    <span data-testid="status-badge" data-status={status.slug ?? 'unknown'}>
      <Badge tone={status.tone} label={status.label} />
    </span>
  );
}
