import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  OperationLive,
  OperationLiveStopped,
  OperationStatus,
  SSE_EVENTS,
} from '../../../components/operations/OperationLive.js';
import { streamWithReconnect } from '../../plugins/control-plane.js';
import { hasRole } from '../../plugins/operator.js';
import type { SseEvent } from '../../plugins/sse.js';
import { describeError } from '../../views/errors.js';
import { operationView } from '../../views/operations/operation.js';
import { NEEDS } from '../../views/permissions.js';
import { events } from '../register.js';
import { routes } from '../table.js';

/**
 * The operation's changes as server-sent events, from WatchOperation (the current state at
 * once, then every change): "progress" with the status while it runs, then "done" with the
 * finished live region, and the stream ends. Nothing is kept in the console: a reload, another
 * tab or another console process opens its own watch. A broken control-plane stream is opened
 * again (it starts with the current state, so nothing is missed).
 */
async function* operationEvents(request: FastifyRequest, id: string): AsyncGenerator<SseEvent> {
  const { signal } = request.rpcStream();
  const mayCancel = hasRole(request.operator?.role, NEEDS.cancelOperation);
  const watch = streamWithReconnect(
    () => request.server.controlPlane.watchOperation({ id }, request.rpcStream()),
    { signal },
  );
  try {
    for await (const { operation } of watch) {
      if (!operation) continue;
      const view = operationView(operation, new Date());
      if (view.done) {
        yield {
          event: SSE_EVENTS.done,
          data: await (<OperationLive view={view} mayCancel={mayCancel} />),
        };
        return;
      }
      yield {
        event: SSE_EVENTS.progress,
        data: await (<OperationStatus view={view} mayCancel={mayCancel} />),
      };
    }
  } catch (err) {
    if (signal.aborted) return;
    // Not a break the watch recovers from (refused, gone, a bug): say so and stop following,
    // rather than end silently and have the browser reconnect to the same failure forever.
    request.log.warn({ err }, 'operation events: the watch failed');
    const { title, message } = describeError(err);
    yield {
      event: SSE_EVENTS.done,
      data: await (
        <OperationLiveStopped
          title={title}
          message={message}
          pageHref={routes.operations.detail.href({ id })}
        />
      ),
    };
    return;
  }
  if (signal.aborted) return;
  yield {
    event: SSE_EVENTS.done,
    data: await (
      <OperationLiveStopped
        title="Live progress stopped"
        message="The control plane ended the operation's stream before it was done."
        pageHref={routes.operations.detail.href({ id })}
      />
    ),
  };
}

/** GET /operations/:id/events: an event stream (register.ts's events()), not a page. */
export default async function eventRoutes(app: FastifyInstance) {
  events(app, routes.operations.events, {}, (request) =>
    operationEvents(request, request.params.id),
  );
}
