import type { ClusterView } from '../../src/views/cluster/status.js';
import { LaunchersSection, ProxiesSection } from './ComponentSections.js';
import { PatternsSection } from './PatternsSection.js';
import { RaftSection } from './RaftSection.js';

/** The cluster page: each section shows its own data, or why it is unavailable. */
export function ClusterStatusView({ view }: { view: ClusterView }): JSX.Element {
  return (
    <div class="space-y-6">
      <RaftSection view={view} />
      <ProxiesSection view={view} />
      <LaunchersSection view={view} />
      <PatternsSection view={view} />
    </div>
  );
}
