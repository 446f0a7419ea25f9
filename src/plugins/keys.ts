import { hkdfSync } from 'node:crypto';

/**
 * One configured secret, several independent keys: the session cookie, the sign-in cookie and
 * CSRF tokens each get their own, so none can be turned into another.
 */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `prism-console:${purpose}`, 32));
}
