import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { livePage, liveRegion } from '../../../components/layout/live.js';
import { GuardedLink } from '../../../components/namespaces/NamespaceActions.js';
import { OperationsTable } from '../../../components/operations/OperationsTable.js';
import { Notice } from '../../../components/ui/Alert.js';
import { Pagination } from '../../../components/ui/Pagination.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { ListProblems } from '../../../components/ui/Table.js';
import { noticeQuery } from '../../forms/notices.js';
import type { ListOperationsResponse } from '../../gen/prism/admin/v1/operations_pb.js';
import { sawMaintenance } from '../../plugins/maintenance.js';
import { hasRole } from '../../plugins/operator.js';
import { pageTokenSchema } from '../../views/list-query.js';
import { OPERATION_NOTICES, operationNotices } from '../../views/operations/cancel-form.js';
import { operationView } from '../../views/operations/operation.js';
import { AUDIT_LOG_ROLE, permissionsFor } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';

/** Operations per page (ListOperations allows 1 to 100). */
export const OPERATIONS_PAGE_SIZE = 20;

/** The list, its total and its page links: one live region of the page. */
export const OPERATIONS_RESULTS_ID = 'operations-results';

const listQuery = noticeQuery.extend({
  page: pageTokenSchema.optional().catch(() => undefined),
});

type MaintenanceLine = { state: 'on' | 'off' | 'unknown'; by: string };

/** One line about maintenance mode; it never fails the page. */
async function readMaintenance(request: FastifyRequest): Promise<MaintenanceLine> {
  try {
    const { status } = await request.server.controlPlane.getMaintenanceStatus({}, request.rpc());
    // Read afresh: the page's banner (and this replica's cache) show the same state as the line.
    sawMaintenance(request, status);
    return status?.enabled ? { state: 'on', by: status.enabledBy } : { state: 'off', by: '' };
  } catch (err) {
    request.log.info({ err }, 'operations: maintenance status not read');
    return { state: 'unknown', by: '' };
  }
}

export default async function listRoutes(app: FastifyInstance) {
  get(
    app,
    routes.operations.list,
    { query: listQuery },
    async function listOperations(request, reply) {
      const pageToken = request.query.page ?? '';
      const role = request.operator?.role;
      const can = permissionsFor(role);
      // The live region alone (a stream's render, a poll) shows no maintenance line: not read.
      const maintenance = request.wantsFragment(OPERATIONS_RESULTS_ID)
        ? Promise.resolve<MaintenanceLine>({ state: 'unknown', by: '' })
        : readMaintenance(request);
      let problems: string[] = [];
      let answer: ListOperationsResponse | undefined;
      try {
        answer = await app.controlPlane.listOperations(
          { pageSize: OPERATIONS_PAGE_SIZE, pageToken },
          request.rpc(),
        );
      } catch (err) {
        // A stale or edited page link: say so and offer the first page, not an error page.
        if (!(err instanceof ConnectError && err.code === Code.InvalidArgument && pageToken)) {
          throw err;
        }
        problems = [
          'This page of the list is no longer valid (the list changed). Start again from the newest.',
        ];
      }
      const line = await maintenance;
      const now = new Date();
      const views = answer?.operations.map((op) => operationView(op, now)) ?? [];
      const notice = operationNotices.text(request.query.notice, OPERATION_NOTICES);
      const nextHref = answer?.nextPageToken
        ? routes.operations.list.href({ page: answer.nextPageToken })
        : undefined;
      // Operations are no kind of the Watch: the region follows every change the feed brings
      // (a drain moves sessions and backends) and the hub's periodic render.
      const results = () => (
        <section
          id={OPERATIONS_RESULTS_ID}
          aria-label="Operations"
          class="space-y-4"
          {...liveRegion(OPERATIONS_RESULTS_ID, livePage(request))}
        >
          {problems.length > 0 ? (
            <ListProblems
              problems={problems}
              resetHref={routes.operations.list.href()}
              resetLabel="Show the newest operations"
            />
          ) : (
            <>
              {answer ? (
                <p class="text-sm text-slate-600" data-testid="operations-total" safe>
                  {`${answer.totalSize} ${answer.totalSize === 1 ? 'operation' : 'operations'} kept by the control plane`}
                </p>
              ) : (
                ''
              )}
              <OperationsTable views={views} />
              <Pagination
                previousHref={pageToken ? routes.operations.list.href() : undefined}
                nextHref={nextHref}
                label="Operation pages"
              />
            </>
          )}
        </section>
      );
      return reply.page({
        area: 'operations',
        title: 'Operations',
        subtitle: 'Drains running and recent, started from any console or client',
        actions: () => (
          <GuardedLink
            href={routes.operations.drain.href()}
            label="Drain connections"
            permission={can.drainConnections}
            look="primary"
            testId="drain-connections"
          />
        ),
        body: () => (
          <div class="space-y-4">
            <Notice text={notice}>
              <RequestReceipt
                requestId={request.query.request}
                canReadAudit={hasRole(role, AUDIT_LOG_ROLE)}
              />
            </Notice>
            <p class="text-sm" data-testid="maintenance-line" data-state={line.state}>
              {line.state === 'on' ? (
                <span
                  safe
                >{`Maintenance mode is on${line.by ? ` (turned on by ${line.by})` : ''}.`}</span>
              ) : line.state === 'off' ? (
                'Maintenance mode is off.'
              ) : (
                'Maintenance mode: not known (the control plane did not answer).'
              )}{' '}
              <a
                class="text-indigo-700 underline dark:text-indigo-300"
                href={routes.operations.maintenance.href()}
              >
                Maintenance mode
              </a>
            </p>
            {results()}
          </div>
        ),
        fragment: { id: OPERATIONS_RESULTS_ID, render: results, live: true },
      });
    },
  );
}
