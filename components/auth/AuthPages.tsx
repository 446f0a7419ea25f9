import type { Assets } from '../../src/plugins/static.js';
import { Layout } from '../layout/Layout.js';
import { Alert } from '../ui/Alert.js';
import { buttonClass } from '../ui/buttons.js';
import { PageHeader } from '../ui/PageHeader.js';

/**
 * The page between the identity provider's return and the page the operator asked for. The
 * return is a cross-site navigation, on which browsers do not send the SameSite=Strict session
 * cookie set during it; a navigation started by this same-site page does send it, so the next
 * page is already signed in. A meta refresh is not script, so the CSP allows it.
 */
export function ContinuePage({ returnTo }: { returnTo: string }): JSX.Element {
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

export function SignedOutPage({ assets }: { assets: Assets }): JSX.Element {
  return (
    <Layout
      title="Signed out"
      area={undefined}
      assets={assets}
      operator={null}
      csrfToken={undefined}
    >
      <PageHeader title="Signed out" subtitle="Your console session has ended." />
      <a href="/auth/sign-in" class={buttonClass.primary}>
        Sign in again
      </a>
    </Layout>
  );
}

export function SignInProblemPage({
  assets,
  title,
  message,
}: {
  assets: Assets;
  title: string;
  message: string;
}): JSX.Element {
  return (
    <Layout title={title} area={undefined} assets={assets} operator={null} csrfToken={undefined}>
      <Alert tone="error" title={title} testId="error">
        <p safe>{message}</p>
      </Alert>
      <a href="/auth/sign-in" class={buttonClass.primary}>
        Sign in
      </a>
    </Layout>
  );
}

export function NoAccessPage({
  assets,
  name,
  signOutUrl,
}: {
  assets: Assets;
  name: string;
  signOutUrl: string | undefined;
}): JSX.Element {
  return (
    <Layout
      title="No access"
      area={undefined}
      assets={assets}
      operator={null}
      csrfToken={undefined}
    >
      <PageHeader title="No access" />
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
    </Layout>
  );
}
