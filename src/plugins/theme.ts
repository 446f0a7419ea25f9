import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/*
 * The colour theme an operator chose: light, dark, or the system's (prefers-color-scheme). It is
 * a browser preference, not an account setting, so it lives in a cookie of its own (not in the
 * server-side session) and applies signed out too. Without the cookie the page follows the system.
 */

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** A year: a preference outlives sessions. */
const MAX_AGE_SECONDS = 365 * 24 * 3600;

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The theme this browser chose ('system' when it chose none, or sent nonsense). */
    theme(): Theme;
  }
  interface FastifyInstance {
    /** The `Set-Cookie` value that stores a theme ('system' deletes the cookie). */
    themeCookie(theme: Theme): string;
  }
}

export interface ThemeOptions {
  /** Served over TLS: the cookie is Secure and __Host- prefixed, like the session's. */
  secure: boolean;
}

export default fp(
  async (app: FastifyInstance, options: ThemeOptions) => {
    const name = `${options.secure ? '__Host-' : ''}prism-theme`;
    app.decorateRequest('theme', function (this: FastifyRequest): Theme {
      const value = this.cookies[name];
      return isTheme(value) ? value : 'system';
    });
    app.decorate('themeCookie', (theme: Theme) => {
      const attributes = [
        'Path=/',
        'HttpOnly',
        'SameSite=Lax',
        ...(options.secure ? ['Secure'] : []),
      ];
      return theme === 'system'
        ? [`${name}=`, 'Max-Age=0', ...attributes].join('; ')
        : [`${name}=${theme}`, `Max-Age=${MAX_AGE_SECONDS}`, ...attributes].join('; ');
    });
  },
  // The session plugin registers the cookie parser this reads with.
  { name: 'theme', dependencies: ['session'] },
);
