export interface KeyValueSectionProps {
  /** The section's heading, also the table's caption. */
  title: string;
  /** Unique on the page: the heading's id is `${id}-heading`. */
  id: string;
  entries: readonly { key: string; value: string }[];
  /** Said instead of an empty table. */
  emptyText: string;
  testIds: { table: string; entry: string; empty: string };
}

/**
 * A section of key → value pairs a resource carries (a namespace's configuration, a client
 * configuration's options): a two-column table, keys as row headers, both in monospace, or a
 * sentence when there are none.
 */
export function KeyValueSection({
  title,
  id,
  entries,
  emptyText,
  testIds,
}: KeyValueSectionProps): JSX.Element {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="text-base font-semibold text-slate-900" safe>
        {title}
      </h2>
      {entries.length === 0 ? (
        <p class="mt-3 text-sm text-slate-500" data-testid={testIds.empty} safe>
          {emptyText}
        </p>
      ) : (
        <div class="mt-3 overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
          <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid={testIds.table}>
            <caption class="sr-only" safe>
              {title}
            </caption>
            <thead class="bg-slate-50">
              <tr>
                <th scope="col" class="px-3 py-2 text-left font-semibold">
                  Key
                </th>
                <th scope="col" class="px-3 py-2 text-left font-semibold">
                  Value
                </th>
              </tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr data-testid={testIds.entry}>
                  <th scope="row" class="px-3 py-2 text-left font-mono font-normal" safe>
                    {entry.key}
                  </th>
                  <td class="break-all px-3 py-2 font-mono" safe>
                    {entry.value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
