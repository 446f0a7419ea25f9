import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  MaintenanceForm,
  maintenanceFormId,
} from '../../../components/operations/MaintenanceForm.js';
import { MaintenancePreview } from '../../../components/operations/MaintenancePreview.js';
import { MaintenanceState } from '../../../components/operations/MaintenanceState.js';
import { Notice } from '../../../components/ui/Alert.js';
import { RequestReceipt } from '../../../components/ui/RequestReceipt.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { noticeQuery } from '../../forms/notices.js';
import { attemptWrite, isFailedWrite } from '../../forms/submit.js';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import type { MaintenanceStatus } from '../../gen/prism/admin/v1/operations_pb.js';
import type { Url } from '../../html/url.js';
import { sawMaintenance } from '../../plugins/maintenance.js';
import { hasRole } from '../../plugins/operator.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { bufCurl } from '../../views/commands.js';
import { describeError } from '../../views/errors.js';
import { maintenanceView } from '../../views/operations/maintenance.js';
import {
  appliedNotice,
  initialMaintenanceForm,
  type MaintenanceField,
  type MaintenanceFormValues,
  type MaintenanceMode,
  maintenanceForm,
  maintenanceNotices,
  maintenanceViolations,
  modeOf,
  parseMaintenanceForm,
  requestFromValues,
  setMaintenanceRequest,
  stepOf,
} from '../../views/operations/maintenance-form.js';
import {
  addNamespaces,
  emptyImpact,
  type MaintenanceImpact,
} from '../../views/operations/maintenance-impact.js';
import { AUDIT_LOG_ROLE, NEEDS, permissionsFor } from '../../views/permissions.js';
import { commandOptions } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';

/*
 * /operations/maintenance: the state, and the forms to turn maintenance mode on, change it, or
 * end it — each a form (step 1), a preview with who will be told and a typed confirmation
 * (step 2), then SetMaintenanceMode and a 303 back here with the notice and request id.
 */

const TITLE = 'Maintenance mode';
/** Pages of ListNamespaces the preview reads at most (500 each): beyond that it says "at least". */
const MAX_IMPACT_PAGES = 20;

/** Who will be told: ListNamespaces, busiest first, until the namespaces without sessions start. */
async function readImpact(request: FastifyRequest): Promise<MaintenanceImpact> {
  const impact = emptyImpact();
  let pageToken = '';
  for (let page = 0; page < MAX_IMPACT_PAGES; page += 1) {
    const answer = await request.server.controlPlane.listNamespaces(
      { pageSize: 500, pageToken, orderBy: 'active_sessions desc' },
      request.rpc(),
    );
    addNamespaces(impact, answer.namespaces);
    const last = answer.namespaces.at(-1);
    // Busiest first: once a namespace has no open session, none after it has either.
    if (!answer.nextPageToken || (last && (last.metrics?.activeSessions ?? 0) <= 0)) {
      return impact;
    }
    pageToken = answer.nextPageToken;
  }
  return { ...impact, partial: true };
}

interface Answer {
  status: number;
  step: 'edit' | 'preview';
  mode: MaintenanceMode;
  values: MaintenanceFormValues;
  errors: FormErrors<MaintenanceField>;
  checkHref?: Url | undefined;
  retryAfterSeconds?: number | undefined;
}

export default async function maintenanceRoutes(app: FastifyInstance) {
  const href = routes.operations.maintenance.href();
  const command = (request: FastifyRequest, values: MaintenanceFormValues) =>
    bufCurl(
      AdminService.method.setMaintenanceMode,
      requestFromValues(values),
      commandOptions(request),
    );

  /** The current state, read afresh (and given to the banner's cache, which it refreshes). */
  async function readStatus(request: FastifyRequest): Promise<MaintenanceStatus | undefined> {
    const { status } = await app.controlPlane.getMaintenanceStatus({}, request.rpc());
    sawMaintenance(request, status);
    return status;
  }

  /** After a post: one form, or its preview, as a page or (htmx) in the form's place. */
  async function sendStep(
    request: FastifyRequest,
    reply: HtmlReply,
    answer: Answer,
  ): Promise<Sent> {
    const current = await request.maintenance();
    const on = current?.enabled === true;
    const common = {
      mode: answer.mode,
      on,
      values: answer.values,
      errors: answer.errors,
      action: href,
      csrfToken: request.csrfToken(),
      checkHref: answer.checkHref,
      command: command(request, answer.values),
    };
    let render: () => JSX.Element;
    if (answer.step === 'preview') {
      let impact: MaintenanceImpact | undefined;
      let impactProblem: string | undefined;
      try {
        impact = await readImpact(request);
      } catch (err) {
        request.log.warn({ err }, 'maintenance preview: could not count sessions');
        impactProblem = describeError(err).message;
      }
      render = () => (
        <MaintenancePreview {...common} impact={impact} impactProblem={impactProblem} />
      );
    } else {
      render = () => (
        <MaintenanceForm
          {...common}
          permission={permissionsFor(request.operator?.role).setMaintenanceMode}
          role={request.operator?.role}
        />
      );
    }
    if (answer.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(answer.retryAfterSeconds));
    }
    return reply.code(answer.status).page({
      area: 'operations',
      title: TITLE,
      crumbs: [{ label: TITLE }],
      body: () => (
        <>
          <MaintenanceState view={maintenanceView(current, new Date())} />
          {render()}
        </>
      ),
      fragment: { id: maintenanceFormId(answer.mode), render },
    });
  }

  get(
    app,
    routes.operations.maintenance,
    { query: noticeQuery },
    async function showMaintenance(request, reply) {
      const status = await readStatus(request);
      const view = maintenanceView(status, new Date());
      const role = request.operator?.role;
      const permission = permissionsFor(role).setMaintenanceMode;
      const notice = maintenanceNotices.text(request.query.notice, ['enabled', 'changed', 'ended']);
      const modes: MaintenanceMode[] = view ? ['enable', 'end'] : ['enable'];
      const forms = modes.map((mode) => ({
        mode,
        values: initialMaintenanceForm(mode, newRequestId(), status),
      }));
      return reply.page({
        area: 'operations',
        title: TITLE,
        subtitle: 'While it is on, every page of the console shows a banner and clients are told.',
        crumbs: [{ label: TITLE }],
        body: () => (
          <>
            <Notice text={notice}>
              <RequestReceipt
                requestId={notice ? request.query.request : undefined}
                canReadAudit={hasRole(role, AUDIT_LOG_ROLE)}
              />
            </Notice>
            <MaintenanceState view={view} />
            <div class="space-y-8">
              {forms.map(({ mode, values }) => (
                <MaintenanceForm
                  mode={mode}
                  on={view !== undefined}
                  values={values}
                  errors={noErrors()}
                  action={href}
                  csrfToken={request.csrfToken()}
                  permission={permission}
                  role={role}
                  command={command(request, values)}
                />
              ))}
            </div>
          </>
        ),
      });
    },
  );

  post(
    app,
    routes.operations.maintenance,
    {
      preHandler: app.requireRole(NEEDS.setMaintenanceMode, 'setMaintenanceMode'),
      body: maintenanceForm.body,
    },
    async function setMaintenanceMode(request, reply) {
      const values: MaintenanceFormValues = { ...request.body };
      const mode = modeOf(values) ?? 'enable';
      const step = stepOf(values);
      if (step === 'edit') {
        return sendStep(request, reply, {
          status: 200,
          step: 'edit',
          mode,
          values: { ...values, confirm: '' },
          errors: noErrors(),
        });
      }
      const parsed = parseMaintenanceForm(values, new Date(), step === 'confirm');
      if (!parsed.ok) {
        // Only the confirmation wrong: the preview again; anything else: the form.
        const onlyConfirm =
          step === 'confirm' &&
          parsed.errors.general.length === 0 &&
          Object.keys(parsed.errors.fields).every((field) => field === 'confirm');
        return sendStep(request, reply, {
          status: 422,
          step: onlyConfirm ? 'preview' : 'edit',
          mode,
          values: { ...values, confirm: onlyConfirm ? values.confirm : '' },
          errors: parsed.errors,
        });
      }
      if (step === 'preview') {
        return sendStep(request, reply, {
          status: 200,
          step: 'preview',
          mode,
          values,
          errors: noErrors(),
        });
      }
      const { input } = parsed;
      const wasOn = (await request.maintenance())?.enabled === true;
      const result = await attemptWrite(
        request,
        'set maintenance mode',
        values,
        { violations: maintenanceViolations, checkHref: href },
        async () => {
          const answer = await app.controlPlane.setMaintenanceMode(
            setMaintenanceRequest(input),
            request.rpc(),
          );
          // Read your writes: the page after the redirect (and every page here) shows it now.
          app.maintenanceCache.set(answer.status);
          const notice = appliedNotice(input.mode, wasOn);
          return reply.seeOther(
            routes.operations.maintenance.href({ notice, request: input.requestId }),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      // Applied or not is unknown: the next page reads the state again.
      if (failure.outcomeUnknown) app.maintenanceCache.invalidate();
      const fieldProblem = Object.keys(failure.errors.fields).some((field) => field !== 'confirm');
      return sendStep(request, reply, {
        status: failure.status,
        step: fieldProblem ? 'edit' : 'preview',
        mode,
        values: { ...result.values, confirm: fieldProblem ? '' : result.values.confirm },
        errors: failure.errors,
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    },
  );
}
