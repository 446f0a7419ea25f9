import type { Children } from '@kitajs/html';
import { routes } from '../../src/routes/table.js';
import {
  type ComponentFilter,
  type Heartbeat,
  type Part,
  STALE_AFTER_SECONDS,
} from '../../src/views/cluster/status.js';
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
      id={testId}
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
      {/*
       * Focusable and named, so a keyboard can scroll a table wider than a phone. A figure, not
       * another region: the section around it is the region.
       */}
      <figure class="mt-3 overflow-x-auto" aria-label={`${title} table`} tabindex="0">
        {children}
      </figure>
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
          <th scope="col" class="py-1 pr-4 font-medium" safe>
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

/** Says the section is filtered (a dashboard card's link), how much it hides, and the way back. */
export function FilterNote({
  filter,
  what,
}: {
  filter: ComponentFilter | undefined;
  /** `proxies`, `launchers`. */
  what: string;
}): JSX.Element {
  if (!filter) return '';
  return (
    <p
      class="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-800"
      data-testid="filter-note"
    >
      <span safe>
        {filter.shown === 0
          ? `All ${filter.total} ${what} are up, with recent heartbeats. `
          : `Showing the ${filter.shown} of ${filter.total} ${what} not up or with a stale heartbeat. `}
      </span>
      <a href={filter.allHref} class="font-medium text-sky-700 underline dark:text-sky-300" safe>
        {`Show all ${what}`}
      </a>
    </p>
  );
}

/** How many namespaces a proxy's or launcher's cell names before "+N more". */
export const NAMESPACES_SHOWN = 5;

// A name breaks between entries, not at its own hyphens.
const linkClass = 'whitespace-nowrap text-sky-700 hover:underline dark:text-sky-300';

/**
 * A proxy's or launcher's namespaces, each a link to its page; a long list names the first few
 * and links the rest to the namespaces list. `undefined` is a list the console could not read.
 */
export function NamespaceLinks({
  names,
  missing = 'unavailable',
}: {
  names: readonly string[] | undefined;
  /** What a list the console could not read says. */
  missing?: string;
}): JSX.Element {
  if (names === undefined) {
    return (
      <span class="text-slate-500" safe>
        {missing}
      </span>
    );
  }
  if (names.length === 0) return <span class="text-slate-500">none</span>;
  const more = names.length - NAMESPACES_SHOWN;
  return (
    <span data-testid="namespace-links">
      {names.slice(0, NAMESPACES_SHOWN).map((name, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <a href={routes.namespaces.detail.href({ name })} class={linkClass} safe>
            {name}
          </a>
        </>
      ))}
      {more > 0 ? (
        <>
          {', '}
          <a
            href={routes.namespaces.list.href()}
            class={linkClass}
            title={`${more} more; all namespaces are in the namespaces list`}
            data-testid="namespaces-more"
            safe
          >
            {`+${more} more`}
          </a>
        </>
      ) : (
        ''
      )}
    </span>
  );
}

export const STALE_NOTE = `A heartbeat is stale after ${STALE_AFTER_SECONDS} s.`;
