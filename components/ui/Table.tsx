/** A column's header cell, the same look in every table; `end` for numbers aligned right. */
export function ColumnHeader({ label, end }: { label: string; end?: boolean }): JSX.Element {
  return (
    <th
      scope="col"
      class={['px-3 py-2.5 font-semibold text-slate-900', end ? 'text-right' : 'text-left']}
      safe
    >
      {label}
    </th>
  );
}
