import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** What htmx told us about a request (https://htmx.org/reference/#request_headers). */
export interface HtmxRequest {
  /** Sent by htmx, not by a plain navigation or form post. */
  request: boolean;
  /** id of the element the response will be swapped into. */
  target: string | undefined;
  /** htmx is restoring history after a cache miss and needs the whole page. */
  historyRestore: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    htmx: HtmxRequest;
    /**
     * True when htmx asks for the element with this id only. A plain request, a history
     * restore or an htmx request aimed elsewhere gets the whole page.
     */
    wantsFragment(targetId: string): boolean;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export default fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('htmx', null as unknown as HtmxRequest);
    app.decorateRequest('wantsFragment', function (this: FastifyRequest, targetId: string) {
      return this.htmx.request && !this.htmx.historyRestore && this.htmx.target === targetId;
    });
    app.addHook('onRequest', async (request) => {
      request.htmx = {
        request: header(request, 'hx-request') === 'true',
        target: header(request, 'hx-target'),
        historyRestore: header(request, 'hx-history-restore-request') === 'true',
      };
    });
  },
  { name: 'htmx' },
);
