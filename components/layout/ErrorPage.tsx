import type { Url } from '../../src/html/url.js';
import { Alert } from '../ui/Alert.js';
import { buttonClass } from '../ui/buttons.js';

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
