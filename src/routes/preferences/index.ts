import type { FastifyInstance, FastifyRequest } from 'fastify';
import { localPath, type Url } from '../../html/url.js';
import { isTheme } from '../../plugins/theme.js';
import { themeForm } from '../../views/theme.js';
import { post } from '../register.js';
import { routes } from '../table.js';

/**
 * Where to go after the switch: the page it was on (a path on this console only, checked like a
 * sign-in's return address), else the Referer when it is this console, else the dashboard.
 */
function returnTo(request: FastifyRequest, field: string): Url {
  const fromField = localPath(field);
  if (fromField) return fromField;
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      const url = new URL(referer);
      const path =
        url.origin === request.server.config.publicUrl.origin
          ? localPath(`${url.pathname}${url.search}`)
          : undefined;
      if (path) return path;
    } catch {
      // Not a URL: go to the dashboard.
    }
  }
  return routes.dashboard.href();
}

/**
 * The theme preference (light, dark, or the system's). A POST like every change, so it is
 * CSRF-checked: the switch is shown only to a signed-in operator, since a signed-out browser has
 * no token (signed out, the page follows the cookie set earlier, or the system). It changes
 * nothing on the server: it sets the cookie and goes back, without JavaScript.
 */
export default async function preferenceRoutes(app: FastifyInstance) {
  post(
    app,
    routes.preferences.theme,
    { body: themeForm.body },
    async function chooseTheme(request, reply) {
      const { theme } = request.body;
      if (isTheme(theme)) reply.header('set-cookie', app.themeCookie(theme));
      // A full navigation, also for htmx: the whole page changes colour.
      return reply.navigate(returnTo(request, request.body.return));
    },
  );
}
