export interface PageHeaderProps {
  title: string;
  subtitle?: string;
  /** Buttons or links shown at the right. */
  actions?: JSX.Element;
}

export function PageHeader({ title, subtitle, actions }: PageHeaderProps): JSX.Element {
  return (
    <header class="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div class="min-w-0">
        <h1
          tabindex="-1"
          class="text-2xl font-semibold tracking-tight break-words text-slate-900 dark:text-white"
          safe
        >
          {title}
        </h1>
        {subtitle ? (
          <p class="mt-1 text-sm text-slate-600 dark:text-slate-300" safe>
            {subtitle}
          </p>
        ) : (
          ''
        )}
      </div>
      {actions ? <div class="flex flex-wrap gap-2">{actions}</div> : ''}
    </header>
  );
}
