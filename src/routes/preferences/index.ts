import type { FastifyInstance, FastifyRequest } from 'fastify';
import { localPath, type Url } from '../../html/url.js';
import { isTheme } from '../../plugins/theme.js';
import { themeForm } from '../../views/theme.js';
import { post } from '../register.js';
import { routes } from '../table.js';

/**
 * Where to go after the switch: the page it was on, from the Referer (the console's
 * `Referrer-Policy: same-origin` sends it to itself) when it is a path on this console, checked
 * like a sign-in's return address; else the dashboard. A one-time confirmation (`notice`) is
 * left out: it was said once. The form does not carry the page's address, so no page ever
 * repeats an address someone crafted.
 */
function returnTo(request: FastifyRequest): Url {
  const referer = request.headers.referer;
  if (typeof referer !== 'string') return routes.dashboard.href();
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return routes.dashboard.href();
  }
  if (url.origin !== request.server.config.publicUrl.origin) return routes.dashboard.href();
  url.searchParams.delete('notice');
  return localPath(`${url.pathname}${url.search}`) ?? routes.dashboard.href();
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
      return reply.navigate(returnTo(request));
    },
  );
}
