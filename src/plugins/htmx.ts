import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  interface FastifyReply {
    /** Sends rendered JSX as an HTML document or fragment. */
    html(body: JSX.Element): Promise<FastifyReply>;
    /**
     * Post/redirect/get: a 303 for a plain form post; for htmx, an HX-Location so htmx fetches
     * the page, swaps its main region and pushes the URL, without a full reload.
     */
    seeOther(url: string): FastifyReply;
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
    // Every HTML answer depends on these headers (page or fragment), so caches must key on them.
    app.addHook('onSend', async (_request, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('text/html')) {
        reply.header('vary', 'HX-Request, HX-Target, HX-History-Restore-Request');
      }
      return payload;
    });

    app.decorateReply('html', async function (this: FastifyReply, body: JSX.Element) {
      const html = await body;
      return this.type('text/html; charset=utf-8').send(html);
    });
    app.decorateReply('seeOther', function (this: FastifyReply, url: string) {
      if (this.request.htmx.request) {
        return this.header(
          'hx-location',
          JSON.stringify({ path: url, target: '#main', select: '#main', swap: 'outerHTML' }),
        )
          .code(200)
          .send('');
      }
      return this.redirect(url, 303);
    });
  },
  { name: 'htmx' },
);
