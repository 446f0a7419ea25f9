import type { Children } from '@kitajs/html';
import { type Heartbeat, type Part, STALE_AFTER_SECONDS } from '../../src/views/cluster/status.js';
import { Badge } from '../ui/Badge.js';

/* Pieces every section of the cluster page uses. */

export function Section({
  title,
  testId,
  note,
  children,
}: {
  title: string;
  testId: string;
  note?: string;
  children?: Children;
}): JSX.Element {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200"
    >
      <h2 class="text-base font-semibold text-slate-900" safe>
        {title}
      </h2>
      {note ? (
        <p class="mt-1 text-xs text-slate-500" safe>
          {note}
        </p>
      ) : (
        ''
      )}
      <div class="mt-3 overflow-x-auto">{children}</div>
    </section>
  );
}

export function show<T>(part: Part<T>, render: (value: T) => JSX.Element): JSX.Element {
  return part.ok ? (
    render(part.value)
  ) : (
    <p class="text-sm text-red-700" data-testid="unavailable" safe>
      {`Unavailable: ${part.error}`}
    </p>
  );
}

export function Head({ columns }: { columns: string[] }): JSX.Element {
  return (
    <thead class="text-left text-xs text-slate-500">
      <tr>
        {columns.map((column) => (
          <th class="py-1 pr-4 font-medium" safe>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function Empty({ text }: { text: string }): JSX.Element {
  return (
    <p class="text-sm text-slate-500" safe>
      {text}
    </p>
  );
}

/** The heartbeat's age; a stale one gets a badge saying so, not only a colour. */
export function HeartbeatCell({ beat }: { beat: Heartbeat }): JSX.Element {
  return (
    <td class="py-1 pr-4 whitespace-nowrap">
      <span class={beat.stale ? 'text-amber-800' : 'text-slate-600'} safe>
        {beat.age}
      </span>
      {beat.stale ? (
        <>
          {' '}
          <Badge tone="amber" label="stale" />
        </>
      ) : (
        ''
      )}
    </td>
  );
}

export const STALE_NOTE = `A heartbeat is stale after ${STALE_AFTER_SECONDS} s.`;
