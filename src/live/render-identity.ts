import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Operator, Role } from '../plugins/operator.js';

/*
 * Who a live render acts as. The fan-out (src/live/hub.ts) renders a region once per role by
 * asking the console itself (app.inject) for the page's fragment; that request carries this
 * header, which the session plugin accepts only with this process's random secret — so a browser
 * can never send it, and a render needs no session, no cookie and no operator's token. Its
 * control-plane calls use the replica's service token (src/live/service-token.ts).
 */

export const LIVE_RENDER_HEADER = 'x-prism-live-render';

/** Per process: live renders are in-process requests, never sent over the network. */
const secret = randomBytes(32).toString('base64url');
const secretBytes = Buffer.from(secret);

const ROLES: ReadonlySet<string> = new Set<Role>(['viewer', 'operator', 'admin']);

/** What a live render asks for: the role it renders as, and the feed version it follows. */
export interface LiveRender {
  role: Role;
  /** The change feed's version the render shows at least (the read cache's kMinVersion). */
  minVersion: bigint;
}

/** The header's value for a render as `role`, showing at least `minVersion`. */
export function liveRenderHeader(role: Role, minVersion = 0n): string {
  return `${secret}.${role}.${minVersion}`;
}

/** The render a header value asks for, when it carries this process's secret; else undefined. */
export function parseLiveRender(value: unknown): LiveRender | undefined {
  if (typeof value !== 'string') return undefined;
  const [given = '', role = '', version = '', ...rest] = value.split('.');
  const givenBytes = Buffer.from(given);
  if (rest.length > 0 || givenBytes.length !== secretBytes.length) return undefined;
  if (!timingSafeEqual(givenBytes, secretBytes)) return undefined;
  if (!ROLES.has(role) || !/^\d{1,19}$/.test(version)) return undefined;
  return { role: role as Role, minVersion: BigInt(version) };
}

/** The operator a live render acts as: nobody's session, no token of its own. */
export function liveOperator(role: Role): Operator {
  return {
    subject: 'prism-live',
    username: 'prism-live',
    name: 'Live view',
    role,
    accessToken: '',
  };
}
