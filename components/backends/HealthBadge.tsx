import type { HealthView } from '../../src/views/backends/list.js';
import { Badge } from '../ui/Badge.js';

/** HEALTHY green, DEGRADED amber, UNHEALTHY red; unset and unknown values slate. */
export function HealthBadge({ health }: { health: HealthView }): JSX.Element {
  return (
    <span data-testid="health-badge" data-health={health.slug}>
      <Badge tone={health.tone} label={health.label} />
    </span>
  );
}
