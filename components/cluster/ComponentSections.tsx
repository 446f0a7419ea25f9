import type { ClusterView } from '../../src/views/cluster/status.js';
import { Badge } from '../ui/Badge.js';
import {
  Empty,
  FilterNote,
  Head,
  HeartbeatCell,
  NamespaceLinks,
  Section,
  STALE_NOTE,
  show,
} from './parts.js';

/** Proxies: registration, heartbeat (stale ones marked), load and their namespaces. */
export function ProxiesSection({ view }: { view: ClusterView }): JSX.Element {
  return (
    <Section title="Proxies" testId="proxies" note={STALE_NOTE}>
      <FilterNote filter={view.proxyFilter} what="proxies" />
      {show(view.proxies, (proxies) =>
        proxies.length === 0 ? (
          view.proxyFilter ? (
            ''
          ) : (
            <Empty text="No proxies registered." />
          )
        ) : (
          <table class="w-full text-sm">
            <Head
              columns={[
                'Proxy',
                'Version',
                'Status',
                'Registered',
                'Last heartbeat',
                'Load',
                'Partitions',
                'Namespaces',
              ]}
            />
            <tbody>
              {proxies.map((p) => (
                <tr
                  class={['border-t border-slate-100 align-top', p.stale ? 'bg-amber-50' : '']}
                  data-testid="proxy"
                  data-stale={p.stale ? 'true' : undefined}
                >
                  <td class="py-1 pr-4">
                    <span safe>{p.id}</span>{' '}
                    <span class="text-xs text-slate-500" safe>
                      {p.address}
                    </span>
                  </td>
                  <td class="py-1 pr-4" safe>
                    {p.version}
                  </td>
                  <td class="py-1 pr-4">
                    <Badge tone={p.status.tone} label={p.status.label} />
                  </td>
                  <td class="py-1 pr-4 text-slate-600" safe>
                    {p.registered}
                  </td>
                  <HeartbeatCell beat={p} />
                  <td class="py-1 pr-4 tabular-nums" safe>
                    {p.load}
                  </td>
                  <td class="py-1 pr-4 tabular-nums" safe>
                    {String(p.partitions)}
                  </td>
                  <td class="py-1 pr-4 text-xs">
                    <NamespaceLinks names={p.namespaces} missing="not reported" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
      )}
    </Section>
  );
}

/** Launchers: registration, heartbeat, load and the namespaces they run. */
export function LaunchersSection({ view }: { view: ClusterView }): JSX.Element {
  return (
    <Section title="Launchers" testId="launchers" note={STALE_NOTE}>
      <FilterNote filter={view.launcherFilter} what="launchers" />
      {show(view.launchers, (launchers) =>
        launchers.length === 0 ? (
          view.launcherFilter ? (
            ''
          ) : (
            <Empty text="No launchers registered." />
          )
        ) : (
          <table class="w-full text-sm">
            <Head
              columns={[
                'Launcher',
                'Region',
                'Status',
                'Registered',
                'Last heartbeat',
                'Load',
                'Capabilities',
                'Namespaces',
              ]}
            />
            <tbody>
              {launchers.map((l) => (
                <tr
                  class={['border-t border-slate-100 align-top', l.stale ? 'bg-amber-50' : '']}
                  data-testid="launcher"
                  data-stale={l.stale ? 'true' : undefined}
                >
                  <td class="py-1 pr-4">
                    <span class="whitespace-nowrap" safe>
                      {l.id}
                    </span>{' '}
                    <span class="text-xs whitespace-nowrap text-slate-500" safe>
                      {l.address}
                    </span>
                  </td>
                  <td class="py-1 pr-4 whitespace-nowrap" safe>
                    {l.region}
                  </td>
                  <td class="py-1 pr-4">
                    <Badge tone={l.status.tone} label={l.status.label} />
                  </td>
                  <td class="py-1 pr-4 text-slate-600" safe>
                    {l.registered}
                  </td>
                  <HeartbeatCell beat={l} />
                  <td class="py-1 pr-4 whitespace-nowrap tabular-nums" safe>
                    {l.load}
                  </td>
                  <td class="py-1 pr-4 text-xs" safe>
                    {l.capabilities.join(', ')}
                  </td>
                  <td class="py-1 pr-4 text-xs">
                    <NamespaceLinks names={l.namespaces} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
      )}
    </Section>
  );
}
