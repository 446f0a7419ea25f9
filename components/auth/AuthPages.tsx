import type { Url } from '../../src/html/url.js';
import type { Role } from '../../src/plugins/operator.js';
import type { NoAccessRecord } from '../../src/routes/auth/no-access.js';
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

/** Signed in at the identity provider, but with no console role: who, their groups, and which would do. */
export function NoAccess({
  record,
  claim,
  giving,
  signOutUrl,
}: {
  record: NoAccessRecord;
  /** The claim roles are read from (`groups`). */
  claim: string;
  giving: { role: Role; groups: string[] }[];
  signOutUrl: Url | undefined;
}): JSX.Element {
  return (
    <>
      <Alert tone="warning" title="Your account has no role in this console" testId="no-access">
        <p safe>
          {`${record.name} (${record.username}) signed in, but none of the account's groups is mapped to a console role (viewer, operator or admin). Ask an administrator of the identity provider for access.`}
        </p>
      </Alert>
      <section aria-labelledby="your-groups" class="mb-6 text-sm" data-testid="account-groups">
        <h2 id="your-groups" class="font-semibold" safe>
          {`Your account's groups (the “${claim}” claim)`}
        </h2>
        {record.groups.length === 0 ? (
          <p class="mt-1">None: the identity provider sent no groups for this account.</p>
        ) : (
          <ul class="mt-1 list-disc pl-5">
            {record.groups.map((group) => (
              <li safe>{group}</li>
            ))}
            {record.moreGroups > 0 ? <li safe>{`and ${record.moreGroups} more`}</li> : ''}
          </ul>
        )}
      </section>
      <section aria-labelledby="giving-access" class="mb-6 text-sm" data-testid="access-groups">
        <h2 id="giving-access" class="font-semibold">
          Groups that give access to this console
        </h2>
        {giving.length === 0 ? (
          <p class="mt-1">None are configured (OIDC_ROLE_MAP is empty).</p>
        ) : (
          <ul class="mt-1 list-disc pl-5">
            {giving.map((entry) => (
              <li safe>{`${entry.role}: ${entry.groups.join(', ')}`}</li>
            ))}
          </ul>
        )}
      </section>
      {signOutUrl ? (
        <a href={signOutUrl} class={buttonClass.primary} data-testid="sign-in-as-someone-else">
          Sign in as someone else
        </a>
      ) : (
        <p class="text-sm">
          To sign in as someone else, sign out at the identity provider first, then{' '}
          <a href={routes.auth.signIn.href()} class="underline">
            sign in
          </a>
          .
        </p>
      )}
    </>
  );
}

/** The no-access page after its record expired (or in a browser that never had one). */
export function NoAccessExpired(): JSX.Element {
  return (
    <>
      <Alert tone="info" title="Nothing to show any more" testId="no-access-expired">
        <p>
          This page showed why an account could not use the console. It keeps that for ten minutes
          after the sign-in, and this browser no longer has it. Sign in to try again.
        </p>
      </Alert>
      <a href={routes.auth.signIn.href()} class={buttonClass.primary}>
        Sign in
      </a>
    </>
  );
}
