import { BEHIND_AFTER_ENTRIES, type ClusterView } from '../../src/views/cluster/status.js';
import { formatNumber } from '../../src/views/format.js';
import { Badge } from '../ui/Badge.js';
import { Empty, Head, Section, show } from './parts.js';

/** Raft: the leader, term and indexes, and every member with its lag. */
export function RaftSection({ view }: { view: ClusterView }): JSX.Element {
  return (
    <Section
      title="Raft"
      testId="raft"
      note={`A member more than ${formatNumber(BEHIND_AFTER_ENTRIES)} entries behind the commit index is behind.`}
    >
      {show(view.raft, (raft) => (
        <div>
          <dl class="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <div>
              <dt class="text-xs text-slate-500">Leader</dt>
              <dd data-testid="leader">
                {raft.leaderId ? (
                  <span class="font-medium" safe>
                    {raft.leaderId}
                  </span>
                ) : (
                  <Badge tone="red" label="no leader: election in progress" />
                )}
              </dd>
            </div>
            <div>
              <dt class="text-xs text-slate-500">Term</dt>
              <dd class="tabular-nums" safe>
                {raft.term}
              </dd>
            </div>
            <div>
              <dt class="text-xs text-slate-500">Commit index</dt>
              <dd class="tabular-nums" safe>
                {raft.commitIndex}
              </dd>
            </div>
            <div>
              <dt class="text-xs text-slate-500">Applied index</dt>
              <dd class="tabular-nums" safe>
                {raft.appliedIndex}
              </dd>
            </div>
          </dl>
          {raft.members.length === 0 ? (
            <Empty text="No members reported." />
          ) : (
            <table class="mt-4 w-full text-sm">
              <Head columns={['Member', 'Role', 'Health', 'Last contact', 'Match index', 'Lag']} />
              <tbody>
                {raft.members.map((m) => (
                  <tr
                    class={[
                      'border-t border-slate-100',
                      m.attention ? (m.state.tone === 'red' ? 'bg-red-50' : 'bg-amber-50') : '',
                    ]}
                    data-testid="raft-member"
                    data-attention={m.attention ? 'true' : undefined}
                  >
                    <td class="py-1 pr-4">
                      <span safe>{m.id}</span>{' '}
                      <span class="text-xs text-slate-500" safe>
                        {m.address}
                      </span>
                    </td>
                    <td class="py-1 pr-4" safe>
                      {m.role}
                    </td>
                    <td class="py-1 pr-4">
                      <Badge tone={m.state.tone} label={m.state.label} />
                    </td>
                    <td class="py-1 pr-4 text-slate-600" safe>
                      {m.lastContact}
                    </td>
                    <td class="py-1 pr-4 tabular-nums" safe>
                      {m.matchIndex}
                    </td>
                    <td class="py-1 pr-4 tabular-nums" safe>
                      {m.lag}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </Section>
  );
}
