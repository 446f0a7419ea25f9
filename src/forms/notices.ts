import { z } from 'zod';
import { REQUEST_ID } from './envelope.js';

/**
 * Confirmations after a redirect (post/redirect/get). The query carries a key, never the
 * message, so a crafted link cannot put words in the console's mouth: only these fixed texts
 * are ever shown, and each page says which of them it shows.
 */
export function defineNotices<const K extends string>(messages: Readonly<Record<K, string>>) {
  const keys = Object.keys(messages) as K[];
  return {
    /** The fixed message for a notice key, if it is one this page shows. */
    text(key: unknown, shownHere: readonly K[]): string | undefined {
      const known = keys.find((k) => k === key);
      return known !== undefined && shownHere.includes(known) ? messages[known] : undefined;
    },
  };
}

/**
 * The request id a confirmation names (`?notice=updated&request=…`), so the operator can find
 * the change in the audit log; anything that does not look like a request id is dropped.
 */
export const requestIdParam = z
  .string()
  .regex(REQUEST_ID)
  .optional()
  .catch(() => undefined);

/** The query string of a page that shows notices: the key, if any, as sent, and its request id. */
export const noticeQuery = z.object({ notice: z.unknown().optional(), request: requestIdParam });
