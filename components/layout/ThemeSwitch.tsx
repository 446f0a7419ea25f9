import { THEMES, type Theme } from '../../src/plugins/theme.js';
import { routes } from '../../src/routes/table.js';
import { themeForm } from '../../src/views/theme.js';
import { CsrfField } from '../ui/FormField.js';

const labels: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export interface ThemeSwitchProps {
  /** The theme in use: its button is shown pressed. */
  theme: Theme;
  csrfToken: string | undefined;
}

/**
 * System / Light / Dark: a plain form post (CSRF-checked like every post), so it works without
 * JavaScript; the console sets a cookie and comes back to this page (by the Referer, which
 * the same-origin referrer policy sends: the page's address is never written into the page). At the foot of every page.
 */
export function ThemeSwitch({ theme, csrfToken }: ThemeSwitchProps): JSX.Element {
  return (
    <form method="post" action={routes.preferences.theme.href()} data-testid="theme-switch">
      <CsrfField token={csrfToken} />
      <fieldset class="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
        <legend class="float-left mr-2">Theme</legend>
        <div class="inline-flex rounded-md bg-white ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-600">
          {THEMES.map((choice) => (
            <button
              type="submit"
              name={themeForm.names.theme}
              value={choice}
              aria-pressed={choice === theme ? 'true' : 'false'}
              class={[
                'min-h-6 min-w-11 px-2 first:rounded-l-md last:rounded-r-md pointer-coarse:min-h-11',
                choice === theme
                  ? 'bg-slate-800 font-semibold text-white dark:bg-slate-200 dark:text-slate-900'
                  : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800',
              ]}
              safe
            >
              {labels[choice]}
            </button>
          ))}
        </div>
      </fieldset>
    </form>
  );
}
