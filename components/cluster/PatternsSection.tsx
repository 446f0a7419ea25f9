import { routes } from '../../src/routes/table.js';
import type { ClusterView } from '../../src/views/cluster/status.js';
import { formatNumber } from '../../src/views/format.js';
import { Badge } from '../ui/Badge.js';
import { Empty, Head, Section, show } from './parts.js';

/** Pattern assignments: which launcher runs which pattern of which namespace. */
export function PatternsSection({ view }: { view: ClusterView }): JSX.Element {
  return (
    <Section
      title="Pattern assignments"
      testId="patterns"
      note="Which launcher runs each namespace's access patterns."
    >
      {show(view.patterns, ({ rows: patterns, total }) =>
        patterns.length === 0 ? (
          <Empty text="No patterns assigned." />
        ) : (
          <div>
            {total > patterns.length ? (
              <p class="mb-2 text-xs text-amber-800" safe>
                {`Showing the first ${formatNumber(patterns.length)} of ${formatNumber(total)} assignments.`}
              </p>
            ) : (
              ''
            )}
            <table class="w-full text-sm">
              <Head columns={['Namespace', 'Pattern', 'Launcher', 'Status', 'Assigned']} />
              <tbody>
                {patterns.map((p) => (
                  <tr class="border-t border-slate-100" data-testid="pattern">
                    <td class="py-1 pr-4">
                      <a
                        href={routes.namespaces.detail.href({ name: p.namespace })}
                        class="text-sky-700 hover:underline"
                        safe
                      >
                        {p.namespace}
                      </a>
                    </td>
                    <td class="py-1 pr-4" safe>
                      {p.pattern}
                    </td>
                    <td class="py-1 pr-4" safe>
                      {p.launcherId}
                    </td>
                    <td class="py-1 pr-4">
                      <Badge tone={p.status.tone} label={p.status.label} />
                    </td>
                    <td class="py-1 pr-4 text-slate-600" safe>
                      {p.assigned}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ),
      )}
    </Section>
  );
}
