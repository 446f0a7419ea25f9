import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import type { ErrorHelp } from '../../src/views/errors.js';
import { Alert } from '../ui/Alert.js';
import { buttonClass } from '../ui/buttons.js';
import { CsrfField } from '../ui/FormField.js';

export interface ErrorViewProps {
  title: string;
  message: string;
  /** Where "Try again" goes; usually the page that failed. */
  retryHref?: Url | undefined;
}

/** The body of an error: used whole inside the layout, or alone as an htmx fragment. */
export function ErrorView({ title, message, retryHref }: ErrorViewProps): JSX.Element {
  return (
    <Alert tone="error" title={title} testId="error">
      <p safe>{message}</p>
      {retryHref ? (
        <p class="mt-3">
          <a href={retryHref} class={buttonClass.secondary}>
            Try again
          </a>
        </p>
      ) : (
        ''
      )}
    </Alert>
  );
}

/** What may help after an error: try again, sign in as someone else, the way back. */
function ErrorActions({
  help,
  csrfToken,
}: {
  help: ErrorHelp;
  csrfToken: string | undefined;
}): JSX.Element {
  if (!help.retryHref && !help.signInAsSomeoneElse && !help.back) return '';
  return (
    <div class="mt-4 flex flex-wrap items-center gap-3" data-testid="error-actions">
      {help.retryHref ? (
        <a href={help.retryHref} class={buttonClass.primary} data-testid="retry">
          Try again
        </a>
      ) : (
        ''
      )}
      {help.signInAsSomeoneElse ? (
        // Signing out ends this console session (and the identity provider's, which asks);
        // the signed-out page then offers the sign-in.
        <form method="post" action={routes.auth.signOut.href()}>
          <CsrfField token={csrfToken} />
          <button type="submit" class={buttonClass.primary} data-testid="sign-in-as-someone-else">
            Sign in as someone else
          </button>
        </form>
      ) : (
        ''
      )}
      {help.back ? (
        <a href={help.back.href} class={buttonClass.secondary} data-testid="back" safe>
          {help.back.label}
        </a>
      ) : (
        ''
      )}
    </div>
  );
}

export interface ErrorPageProps {
  title: string;
  message: string;
  help: ErrorHelp;
  csrfToken: string | undefined;
  /** A whole page: the title is its heading (h1); in a fragment it is the alert's title. */
  page: boolean;
}

/**
 * An error answer of the page renderer (reply.errorPage): the page's heading, what happened,
 * and the actions that help. As an htmx fragment it lands in the page's alert region.
 */
export function ErrorPage({ title, message, help, csrfToken, page }: ErrorPageProps): JSX.Element {
  return (
    <div
      role="alert"
      data-testid="error"
      class="mb-4 rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100"
    >
      {page ? (
        <h1 class="text-xl font-semibold tracking-tight" safe>
          {title}
        </h1>
      ) : (
        <p class="font-semibold" safe>
          {title}
        </p>
      )}
      <p class="mt-1" safe>
        {message}
      </p>
      {help.note ? (
        <p class="mt-1" data-testid="error-note" safe>
          {help.note}
        </p>
      ) : (
        ''
      )}
      <ErrorActions help={help} csrfToken={csrfToken} />
    </div>
  );
}
