import { z } from 'zod';
import { formatNumber } from '../views/format.js';
import { INT32_MAX } from '../views/quantities.js';

/* Field schemas more than one form uses: what is typed → what the control plane is sent. */

/** Every mutation asks why: the control plane writes it to the audit log. */
export const reasonField = z
  .string()
  .trim()
  .min(1, 'Give a reason; it is recorded in the audit log.');

/** A whole number (int32) where empty or 0 means unlimited; `1_000` and `1,000` are accepted. */
export const limitField = (what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? '0' : v.replace(/[_,]/g, '')))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, `Enter ${what} as a whole number, 0 for unlimited.`)
        .transform(Number)
        .pipe(z.number().max(INT32_MAX, `Enter ${what} of at most ${formatNumber(INT32_MAX)}.`)),
    );

/** The name of the thing being deleted, typed out exactly: the operator looked at what they delete. */
export const confirmNameField = (name: string, what: string) =>
  z
    .string()
    .min(1, `Type the name of the ${what} to confirm.`)
    .refine((typed) => typed === name, `The name you typed does not match this ${what}.`);

/** The id of the thing acted on, typed out exactly: the operator looked at which one it is. */
export const confirmIdField = (id: string, what: string) =>
  z
    .string()
    .min(1, `Type the ${what} id to confirm.`)
    .refine((typed) => typed === id, `The id you typed does not match this ${what}.`);
