import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  BULK_FORM_ID,
  BulkConfirmForm,
  BulkResults,
} from '../../../components/client-sessions/BulkTerminate.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { hasRole } from '../../plugins/operator.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import {
  answeredOutcome,
  BULK_CONCURRENCY,
  BULK_STEP,
  type BulkBody,
  type BulkField,
  type BulkItem,
  bulkBody,
  bulkForm,
  bulkItem,
  bulkSummary,
  failedOutcome,
  MAX_BULK_SESSIONS,
  mapLimit,
  parseBulkForm,
  selectionProblem,
} from '../../views/client-sessions/bulk.js';
import { parseSessionQuery, sessionListRequest } from '../../views/client-sessions/query.js';
import { TERMINATE_SESSIONS_ROLE } from '../../views/client-sessions/terminate.js';
import { bulkTerminateCommand } from '../../views/commands-forms.js';
import { bulkTerminateRequest } from '../../views/commands-requests.js';
import { AUDIT_LOG_ROLE } from '../../views/permissions.js';
import { commandOptions, sendCommand, wantsCommand } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';

const text = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'string' ? value : undefined));
const bulkQuery = z.object({ namespace: text, status: text });

function sendConfirm(
  request: FastifyRequest,
  reply: HtmlReply,
  status: number,
  items: readonly BulkItem[],
  values: BulkBody,
  errors: FormErrors<BulkField>,
  cancelHref = routes.sessions.list.href(),
): Promise<Sent> {
  const form = () => (
    <BulkConfirmForm
      items={items}
      action={routes.sessions.bulkTerminate.href()}
      cancelHref={cancelHref}
      values={values}
      errors={errors}
      csrfToken={request.csrfToken()}
      command={bulkTerminateCommand(values, commandOptions(request))}
    />
  );
  return reply.code(status).page({
    area: 'sessions',
    title: `Terminate ${items.length} client ${items.length === 1 ? 'session' : 'sessions'}`,
    crumbs: [{ label: 'Terminate' }],
    body: form,
    fragment: { id: BULK_FORM_ID, render: form },
  });
}

const freshValues = (ids: string[]): BulkBody => ({
  ...bulkForm.empty(),
  step: BULK_STEP.terminate,
  request_id: newRequestId(),
  ids,
});

/**
 * Terminating several sessions: the list's selection (or a namespace's sessions of one status)
 * → a confirmation → one TerminateClientSession per session → the outcome of each.
 */
export default async function bulkRoutes(app: FastifyInstance) {
  const mayTerminate = {
    preHandler: app.requireRole(TERMINATE_SESSIONS_ROLE, 'terminateClientSession'),
  };

  // "Terminate all idle" of a namespace: the confirmation, filled with its sessions of that status.
  get(
    app,
    routes.sessions.bulkTerminate,
    { ...mayTerminate, query: bulkQuery },
    async function confirmNamespaceSessions(request, reply) {
      const { query, problems } = parseSessionQuery({
        namespace: request.query.namespace,
        status: request.query.status ?? 'idle',
        q: undefined,
        idle: undefined,
        sort: undefined,
        page: undefined,
        size: undefined,
      });
      const cancelHref = query.namespace
        ? routes.namespaces.detail.href({ name: query.namespace })
        : routes.sessions.list.href();
      if (problems.length > 0 || !query.namespace) {
        return sendConfirm(
          request,
          reply,
          400,
          [],
          freshValues([]),
          {
            fields: {},
            general:
              problems.length > 0 ? problems : ['Name the namespace whose sessions to terminate.'],
          },
          cancelHref,
        );
      }
      const { clientSessions } = await app.controlPlane.listClientSessions(
        sessionListRequest({ ...query, size: MAX_BULK_SESSIONS }),
        request.rpc(),
      );
      const items = clientSessions.map((s) => bulkItem(s.id, s));
      const errors = noErrors<BulkField>();
      if (items.length === 0) {
        errors.general.push(`${query.namespace} has no ${query.status ?? ''} sessions now.`);
      }
      return sendConfirm(
        request,
        reply,
        200,
        items,
        freshValues(items.map((i) => i.id)),
        errors,
        cancelHref,
      );
    },
  );

  post(
    app,
    routes.sessions.bulkTerminate,
    { ...mayTerminate, body: bulkBody },
    async function terminateSessions(request, reply) {
      const body = request.body;
      if (wantsCommand(request)) {
        return sendCommand(reply, bulkTerminateCommand(body, commandOptions(request)));
      }
      const items = body.ids.map((id) => bulkItem(id));
      if (body.step !== BULK_STEP.terminate) {
        // From the list: the selection, to confirm. Nothing is terminated yet.
        const problem = selectionProblem(body.ids);
        const errors = noErrors<BulkField>();
        if (problem) errors.general.push(problem);
        return sendConfirm(
          request,
          reply,
          problem ? 400 : 200,
          items,
          freshValues(body.ids),
          errors,
        );
      }
      const parsed = parseBulkForm(body);
      if (!parsed.ok) {
        return sendConfirm(
          request,
          reply,
          422,
          items,
          { ...body, request_id: newRequestId() },
          parsed.errors,
        );
      }
      const { input } = parsed;
      const outcomes = await mapLimit(input.ids, BULK_CONCURRENCY, async (id) => {
        try {
          const { clientSession } = await app.controlPlane.terminateClientSession(
            bulkTerminateRequest(input, id),
            request.rpc(),
          );
          return answeredOutcome(id, clientSession);
        } catch (err) {
          return failedOutcome(id, err);
        }
      });
      const summary = bulkSummary(outcomes);
      request.log.info(
        { requestId: input.requestId, ...summary.counts, by: request.operator?.username },
        'client sessions terminated in bulk',
      );
      return reply.page({
        area: 'sessions',
        title: summary.heading,
        crumbs: [{ label: 'Terminate' }],
        body: () => (
          <BulkResults
            outcomes={outcomes}
            summary={summary}
            listHref={routes.sessions.list.href()}
            requestId={input.requestId}
            canReadAudit={hasRole(request.operator?.role, AUDIT_LOG_ROLE)}
          />
        ),
      });
    },
  );
}
