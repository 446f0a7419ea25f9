import type { Children } from '@kitajs/html';
export type AlertTone = 'error' | 'warning' | 'success' | 'info';

const tones: Record<AlertTone, string> = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  info: 'border-sky-300 bg-sky-50 text-sky-900',
};

export interface AlertProps {
  tone: AlertTone;
  title: string;
  children?: Children;
  testId?: string;
}

export function Alert({ tone, title, children, testId }: AlertProps): JSX.Element {
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      class={['rounded-md border px-4 py-3 text-sm mb-4', tones[tone]]}
    >
      <p class="font-semibold" safe>
        {title}
      </p>
      <div class="mt-1 empty:hidden">{children}</div>
    </div>
  );
}

/** A confirmation after a redirect (a fixed text from src/forms/notices.ts), if there is one. */
export function Notice({ text }: { text: string | undefined }): JSX.Element {
  return text ? (
    <Alert tone="success" title={text} testId="notice">
      {''}
    </Alert>
  ) : (
    ''
  );
}
