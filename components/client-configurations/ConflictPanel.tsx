import type { ConflictView } from '../../src/views/client-configurations/changes.js';
import { Alert } from '../ui/Alert.js';

/**
 * Someone else saved this configuration while the operator was editing: what they changed
 * (as it was when the operator opened the form, as it is now, and what the operator typed).
 */
export function ConflictPanel({ conflict }: { conflict: ConflictView }): JSX.Element {
  const who = conflict.updatedBy ? ` by ${conflict.updatedBy}` : '';
  return (
    <div data-testid="conflict">
      <Alert tone="warning" title="Someone else changed this configuration while you were editing">
        <p safe>
          {`Your changes were not saved. It is now at version ${conflict.version}, last changed ${conflict.updated}${who}. ${
            conflict.changes.length === 0
              ? 'None of the fields this form shows changed.'
              : `What changed: ${conflict.changes.map((c) => c.label.toLowerCase()).join(', ')}.`
          } Saving again replaces the current version with your values; to keep the current ones, cancel.`}
        </p>
        {conflict.changes.length > 0 ? (
          <table class="mt-3 w-full text-left text-sm">
            <caption class="sr-only">What changed since you opened this form</caption>
            <thead>
              <tr class="text-xs uppercase tracking-wide text-amber-800 dark:text-amber-200">
                <th scope="col" class="py-1 pr-3 font-semibold">
                  Field
                </th>
                <th scope="col" class="py-1 pr-3 font-semibold">
                  When you opened it
                </th>
                <th scope="col" class="py-1 pr-3 font-semibold">
                  Now
                </th>
                <th scope="col" class="py-1 font-semibold">
                  Yours
                </th>
              </tr>
            </thead>
            <tbody class="divide-y divide-amber-200">
              {conflict.changes.map((change) => (
                <tr data-testid="conflict-change" data-field={change.field}>
                  <th scope="row" class="py-1.5 pr-3 align-top font-medium" safe>
                    {change.label}
                  </th>
                  <td class="whitespace-pre-wrap break-all py-1.5 pr-3 align-top" safe>
                    {change.before}
                  </td>
                  <td
                    class="whitespace-pre-wrap break-all py-1.5 pr-3 align-top font-semibold"
                    data-testid="now"
                    safe
                  >
                    {change.now}
                  </td>
                  <td class="whitespace-pre-wrap break-all py-1.5 align-top" safe>
                    {change.yours}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          ''
        )}
      </Alert>
    </div>
  );
}
