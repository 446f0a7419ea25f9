import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import { Alert } from '../ui/Alert.js';
import { buttonClass } from '../ui/buttons.js';

/**
 * The page between the identity provider's return and the page the operator asked for. The
 * return is a cross-site navigation, on which browsers do not send the SameSite=Strict session
 * cookie set during it; a navigation started by this same-site page does send it, so the next
 * page is already signed in. A meta refresh is not script, so the CSP allows it.
 */
export function ContinuePage({ returnTo }: { returnTo: Url }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta http-equiv="refresh" content={`0;url=${returnTo}`} />
          <title>Signing in · Prism Console</title>
        </head>
        <body>
          <p>
            Signed in. <a href={returnTo}>Continue</a>
          </p>
        </body>
      </html>
    </>
  );
}

/** After sign-out (the page's header says "Signed out"). */
export function SignedOut(): JSX.Element {
  return (
    <a href={routes.auth.signIn.href()} class={buttonClass.primary}>
      Sign in again
    </a>
  );
}

/** A sign-in that could not finish, and the way to start again. */
export function SignInProblem({ title, message }: { title: string; message: string }): JSX.Element {
  return (
    <>
      <Alert tone="error" title={title} testId="error">
        <p safe>{message}</p>
      </Alert>
      <a href={routes.auth.signIn.href()} class={buttonClass.primary}>
        Sign in
      </a>
    </>
  );
}

/** Signed in at the identity provider, but with no console role. */
export function NoAccess({
  name,
  signOutUrl,
}: {
  name: string;
  signOutUrl: Url | undefined;
}): JSX.Element {
  return (
    <>
      <Alert tone="warning" title="Your account has no role in this console" testId="no-access">
        <p safe>
          {`${name} signed in, but none of the account's groups is mapped to a console role (viewer, operator or admin). Ask an administrator of the identity provider for access.`}
        </p>
      </Alert>
      {signOutUrl ? (
        <a href={signOutUrl} class={buttonClass.secondary}>
          Sign out at the identity provider
        </a>
      ) : (
        ''
      )}
    </>
  );
}
