import type { BoundField } from '../../src/forms/contract.js';
import type { SessionStatusInfo } from '../../src/views/client-sessions/status.js';
import { CHECKED } from '../../src/views/client-sessions/terminate.js';
import type { TimeText } from '../../src/views/client-sessions/time.js';
import { Badge } from '../ui/Badge.js';

/** ACTIVE green, IDLE blue, EXPIRING amber, TERMINATED grey; an unknown one says its number. */
export function SessionStatusBadge({ status }: { status: SessionStatusInfo }): JSX.Element {
  return (
    <span data-testid="session-status" data-status={status.slug ?? 'unknown'}>
      <Badge tone={status.tone} label={status.label} />
    </span>
  );
}

/**
 * A relative time ("12m ago") with the absolute time in `datetime`, as a tooltip on hover, and
 * read out after it by screen readers. Not focusable: a browser shows no `title` tooltip on
 * focus, so a tab stop would show a keyboard user nothing new, and a list of 50 sessions would
 * hold 100 of them before its page links. Where the absolute time matters to a keyboard user
 * (a session's page, the maintenance state), `shown` writes it out beside the relative one.
 * `relative`: the screen-reader text is positioned absolutely, and would otherwise escape a
 * table's scroll box and widen the page.
 */
export function RelativeTime({
  time,
  testId,
  shown,
}: {
  time: TimeText;
  testId?: string;
  /** The absolute time also written out, visibly (screen readers have it already). */
  shown?: boolean;
}): JSX.Element {
  if (!time.datetime) {
    return (
      <span data-testid={testId} safe>
        {time.relative}
      </span>
    );
  }
  return (
    <>
      <time
        datetime={time.datetime}
        title={time.absolute}
        data-testid={testId}
        class="relative underline decoration-slate-300 decoration-dotted underline-offset-2"
      >
        <span safe>{time.relative}</span>
        <span class="sr-only" safe>{` (${time.absolute})`}</span>
      </time>
      {shown ? (
        <span class="ml-2 text-xs text-slate-500" aria-hidden="true" safe>
          {time.absolute}
        </span>
      ) : (
        ''
      )}
    </>
  );
}

/** A checkbox bound to its form's contract: ticked sends `on`, unticked sends nothing. */
export function CheckboxField({ field, hint }: { field: BoundField; hint?: string }): JSX.Element {
  return (
    <div class="flex items-start gap-3" data-field={field.name}>
      <input
        type="checkbox"
        id={field.id}
        name={field.name}
        value={CHECKED}
        checked={field.value === CHECKED}
        aria-describedby={hint ? `${field.id}-hint` : undefined}
        class="mt-0.5 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
      />
      <div class="text-sm">
        <label for={field.id} class="font-medium text-slate-900" safe>
          {field.label}
        </label>
        {hint ? (
          <p id={`${field.id}-hint`} class="text-xs text-slate-500" safe>
            {hint}
          </p>
        ) : (
          ''
        )}
      </div>
    </div>
  );
}
