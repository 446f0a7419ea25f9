import type { Children } from '@kitajs/html';
import type { DemoUser } from './users.js';

/** The identity provider's own stylesheet, served by its server (no inline style or script). */
export const STYLESHEET_PATH = '/idp.css';

/** Its icon, so that browsers do not ask for a /favicon.ico that is not there. */
export const ICON_PATH = '/idp-icon.svg';

export const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><title>Prism demo identity provider</title>' +
  '<rect width="16" height="16" rx="3" fill="#1d4ed8"/><path d="M8 3l4 10H4z" fill="#fff"/></svg>';

export const STYLESHEET = `
body { font-family: system-ui, sans-serif; color: #0f172a; background: #f1f5f9; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem;
  box-shadow: 0 1px 3px rgb(0 0 0 / .15); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1rem; margin: 2rem 0 .5rem; }
p { line-height: 1.5; }
.note { color: #475569; font-size: .875rem; margin-top: 0; }
.alert { border: 1px solid #fca5a5; background: #fef2f2; color: #991b1b; padding: .5rem .75rem;
  border-radius: .25rem; }
form.sign-in { display: grid; gap: .5rem; }
label { font-weight: 600; font-size: .875rem; }
input { font: inherit; padding: .5rem; border: 1px solid #94a3b8; border-radius: .25rem; }
.actions { display: flex; gap: .5rem; margin-top: .5rem; }
button { font: inherit; padding: .5rem 1rem; border-radius: .25rem; border: 1px solid #1e40af;
  background: #1d4ed8; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1e293b; border-color: #94a3b8; }
button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; }
th, td { text-align: left; padding: .25rem .5rem .25rem 0; border-bottom: 1px solid #e2e8f0; }
code { font-size: .875rem; }
`;

function Page({ title, children }: { title: string; children: Children }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <title safe>{`${title} · Prism demo identity provider`}</title>
          <link rel="icon" href={ICON_PATH} type="image/svg+xml" />
          <link rel="stylesheet" href={STYLESHEET_PATH} />
        </head>
        <body>
          <main>{children}</main>
        </body>
      </html>
    </>
  );
}

export interface SignInPageProps {
  /** Where the form posts: the interaction's login route. */
  action: string;
  /** Where "Cancel" posts: the interaction's abort route. */
  cancelAction: string;
  /** The application asking, if it has a name. */
  clientName: string | undefined;
  /** What was typed, kept after a failed attempt; never the password. */
  username: string;
  error: string | undefined;
  users: readonly DemoUser[];
}

export function SignInPage(props: SignInPageProps): JSX.Element {
  return (
    <Page title="Sign in">
      <h1>Sign in</h1>
      <p class="note">
        {props.clientName ? (
          <>
            to continue to <strong safe>{props.clientName}</strong>.{' '}
          </>
        ) : (
          ''
        )}
        Prism demo identity provider — for development only.
      </p>
      {props.error ? (
        <p role="alert" class="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
      <form class="sign-in" method="post" action={props.action}>
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          autofocus
          value={props.username}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <div class="actions">
          <button type="submit">Sign in</button>
          <button type="submit" class="secondary" formaction={props.cancelAction} formnovalidate>
            Cancel
          </button>
        </div>
      </form>
      <h2 id="demo-users">Demo users</h2>
      <table aria-labelledby="demo-users">
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Password</th>
            <th scope="col">Name</th>
            <th scope="col">Groups</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>
                <code safe>{user.username}</code>
              </td>
              <td>
                <code safe>{user.password}</code>
              </td>
              <td safe>{user.name}</td>
              <td safe>{user.groups.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}

export interface LogoutPageProps {
  /**
   * oidc-provider's hidden form (`id="op.logoutForm"`, action and xsrf token), already HTML: the
   * library builds it from its own route and a hex token, and the buttons below submit it.
   */
  safeHtmlLogoutForm: string;
  clientName: string | undefined;
}

export function LogoutPage({ safeHtmlLogoutForm, clientName }: LogoutPageProps): JSX.Element {
  return (
    <Page title="Sign out">
      <h1>Sign out?</h1>
      <p>
        {clientName ? (
          <>
            <strong safe>{clientName}</strong> asks to end your session at the identity provider.
          </>
        ) : (
          'End your session at the identity provider?'
        )}
      </p>
      {safeHtmlLogoutForm}
      <div class="actions">
        <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>
          Sign out
        </button>
        <button type="submit" form="op.logoutForm" class="secondary">
          Stay signed in
        </button>
      </div>
    </Page>
  );
}

export function SignedOutPage({ clientName }: { clientName: string | undefined }): JSX.Element {
  return (
    <Page title="Signed out">
      <h1>Signed out</h1>
      <p>
        {clientName ? (
          <>
            You have signed out of <strong safe>{clientName}</strong> and the identity provider.
          </>
        ) : (
          'You have signed out of the identity provider.'
        )}
      </p>
    </Page>
  );
}

export function ProblemPage({
  title,
  message,
  detail,
}: {
  title: string;
  message: string;
  detail: string | undefined;
}): JSX.Element {
  return (
    <Page title={title}>
      <h1 safe>{title}</h1>
      <p role="alert" safe>
        {message}
      </p>
      {detail ? (
        <p class="note" safe>
          {detail}
        </p>
      ) : (
        ''
      )}
    </Page>
  );
}
