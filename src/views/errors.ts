import { Code, ConnectError } from '@connectrpc/connect';
import { isNotLeader, retryAfterSeconds } from '../control-plane/errors.js';
import type { Url } from '../html/url.js';
import type { NavItem } from '../routes/navigation.js';
import { routes } from '../routes/table.js';
import { SessionStoreUnavailable } from '../sessions/session.js';

/** What an operator is told about a failure, and how it is answered. */
export interface ErrorDescription {
  status: number;
  title: string;
  message: string;
  /** Server faults are logged with their details; the page never shows those. */
  serverFault: boolean;
  /**
   * When to try again, in whole seconds (the control plane's RetryInfo, rounded up): answered
   * as a `Retry-After` header.
   */
  retryAfterSeconds?: number;
}

const CONTROL_PLANE_DOWN =
  'The console could not reach the Prism control plane. Nothing is shown as done that the control plane did not confirm; try again in a moment.';

export const UNIMPLEMENTED =
  'This control plane does not support this operation: it is probably an older version than this console expects. The details are in the console log.';

/**
 * The control plane's own words, in quotes and attributed: they may repeat what the request
 * said (a name from the address), so they are never shown as the console's own sentence.
 */
export const quoted = (err: ConnectError) => `“${err.rawMessage}”`;
export const controlPlaneSaid = (err: ConnectError) => `The control plane said: ${quoted(err)}`;

/** A Raft member that is not the leader: say so, in its words, since it explains the wait. */
export function notLeaderMessage(err: ConnectError): string {
  return `The control plane member the console reached is not the leader (an election may be under way): ${quoted(err)}. Try again in a moment.`;
}

/** RESOURCE_EXHAUSTED: the control plane's words, and when to try again (RetryInfo). */
function tooManyRequests(err: ConnectError): ErrorDescription {
  const retryAfter = retryAfterSeconds(err);
  const when =
    retryAfter === undefined
      ? 'Try again in a moment.'
      : `Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
  return {
    status: 429,
    title: 'Too many requests',
    message: `The control plane is refusing requests for now: ${quoted(err)}. ${when}`,
    serverFault: false,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  };
}

/** Maps control-plane (Connect) codes and HTTP errors to what the operator sees — in one place. */
export function describeError(err: unknown): ErrorDescription {
  if (err instanceof ConnectError) {
    switch (err.code) {
      case Code.NotFound:
        // Not the control plane's message: it repeats the name from the address, which anyone
        // can write into a link ("/namespaces/Your session has expired…").
        return {
          status: 404,
          title: 'Not found',
          message:
            'The control plane has nothing at this address: it may have been deleted or renamed, or the link is mistyped.',
          serverFault: false,
        };
      case Code.PermissionDenied:
        return {
          status: 403,
          title: 'Not allowed',
          message: `The control plane refused this for your role: ${quoted(err)}`,
          serverFault: false,
        };
      case Code.Unauthenticated:
        return {
          status: 401,
          title: 'Sign-in required',
          message: 'The control plane did not accept your credentials. Sign in again.',
          serverFault: false,
        };
      case Code.InvalidArgument:
      case Code.OutOfRange:
        return {
          status: 400,
          title: 'Invalid request',
          message: controlPlaneSaid(err),
          serverFault: false,
        };
      case Code.AlreadyExists:
      case Code.FailedPrecondition:
      case Code.Aborted:
        return {
          status: 409,
          title: 'Conflict',
          message: controlPlaneSaid(err),
          serverFault: false,
        };
      case Code.ResourceExhausted:
        return tooManyRequests(err);
      case Code.Unimplemented:
        return {
          status: 501,
          title: 'Not supported by this control plane',
          message: UNIMPLEMENTED,
          serverFault: true,
        };
      case Code.Unavailable:
        return {
          status: 503,
          title: 'Control plane unreachable',
          message: isNotLeader(err) ? notLeaderMessage(err) : CONTROL_PLANE_DOWN,
          serverFault: true,
        };
      case Code.DeadlineExceeded:
        return {
          status: 504,
          title: 'Control plane too slow',
          message:
            'The Prism control plane did not answer in time. The request may or may not have been carried out; check before repeating a change.',
          serverFault: true,
        };
      case Code.Canceled:
        return {
          status: 499,
          title: 'Cancelled',
          message: 'The request was cancelled.',
          serverFault: false,
        };
      default:
        return {
          status: 502,
          title: 'Control plane error',
          message:
            'The Prism control plane reported an internal error. The details are in the console log.',
          serverFault: true,
        };
    }
  }
  if (err instanceof SessionStoreUnavailable) {
    return {
      status: 503,
      title: 'Session store unavailable',
      message:
        'The console cannot reach its session store (Redis), so it cannot tell who you are. Nothing was done; try again in a moment.',
      serverFault: true,
    };
  }
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      title: 'Bad request',
      message: err instanceof Error ? err.message : 'The request was not understood.',
      serverFault: false,
    };
  }
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'The console failed to handle this request. The details are in the console log.',
    serverFault: true,
  };
}

/** True for failures that mean the control plane was not reached or did not answer. */
export function isUnreachable(err: unknown): boolean {
  return (
    err instanceof ConnectError &&
    (err.code === Code.Unavailable || err.code === Code.DeadlineExceeded)
  );
}

/** A short word for a dashboard card whose call failed. */
export function shortError(err: unknown): string {
  if (err instanceof ConnectError) {
    if (err.code === Code.Unavailable) return 'unreachable';
    if (err.code === Code.DeadlineExceeded) return 'timed out';
    if (err.code === Code.PermissionDenied) return 'not allowed for your role';
  }
  return 'failed';
}

/** What an error page offers besides its message: the way back, and what may help. */
export interface ErrorHelp {
  /** "Back to namespaces" (the area's first page), or "Go to the dashboard". */
  back: { label: string; href: Url } | undefined;
  /** Worth trying again (a fault, an outage, a rate limit): where "Try again" goes. */
  retryHref: Url | undefined;
  /** A refusal for this account: offer signing in as someone else (sign out, then in). */
  signInAsSomeoneElse: boolean;
  /** Said below the message: an area this console does not have yet. */
  note: string | undefined;
}

/**
 * The help an error page gives, from its status, the area of the address (src/routes/navigation.ts)
 * and whether someone is signed in. "Try again" only where trying again can help.
 */
export function errorHelp({
  status,
  area,
  path,
  retryHref,
  signedIn,
}: {
  status: number;
  area: NavItem | undefined;
  /** The page's path, without the query: a refused area root gets no "Back to" itself. */
  path: string;
  retryHref: Url | undefined;
  signedIn: boolean;
}): ErrorHelp {
  const dashboard = { label: 'Go to the dashboard', href: routes.dashboard.href() };
  const areaBack =
    area?.available && area.area !== 'dashboard' && area.href !== path
      ? { label: `Back to ${area.label.toLowerCase()}`, href: area.href }
      : undefined;
  const retry = status >= 500 || status === 429;
  return {
    // On the dashboard itself, "Go to the dashboard" is no way out.
    back: areaBack ?? (path === dashboard.href ? undefined : dashboard),
    retryHref: retry ? retryHref : undefined,
    signInAsSomeoneElse: status === 403 && signedIn,
    note:
      status === 404 && area && !area.available
        ? `${area.label} is not available in this version of the console.`
        : undefined,
  };
}
