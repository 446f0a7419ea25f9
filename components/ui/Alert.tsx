import type { Children } from '@kitajs/html';
import { takeFocus } from './focus.js';
export type AlertTone = 'error' | 'warning' | 'success' | 'info';

const tones: Record<AlertTone, string> = {
  error:
    'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100',
  warning:
    'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  success:
    'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
  info: 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100',
};

export interface AlertProps {
  tone: AlertTone;
  title: string;
  children?: Children;
  testId?: string;
  /**
   * Takes focus when the page loads or htmx swaps it in (`autofocus`), so keyboard and
   * screen-reader users start from it: a notice after a save or delete.
   */
  focus?: boolean;
}

export function Alert({ tone, title, children, testId, focus }: AlertProps): JSX.Element {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      {...(focus ? takeFocus : {})}
      class={['rounded-md border px-4 py-3 text-sm mb-4', tones[tone]]}
    >
      <p class="font-semibold" safe>
        {title}
      </p>
      <div class="mt-1 empty:hidden">{children}</div>
    </div>
  );
}

/**
 * A confirmation after a redirect (a fixed text from src/forms/notices.ts), if there is one. It
 * takes focus, so after a save or delete the operator starts from what happened.
 */
export function Notice({
  text,
  children,
}: {
  text: string | undefined;
  /** Under the text: the change's request id (components/ui/RequestReceipt.tsx). */
  children?: Children;
}): JSX.Element {
  return text ? (
    <Alert tone="success" title={text} testId="notice" focus>
      {children ?? ''}
    </Alert>
  ) : (
    ''
  );
}
