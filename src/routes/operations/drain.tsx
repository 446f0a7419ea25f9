import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DRAIN_FORM_ID, DrainForm } from '../../../components/operations/DrainForm.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import { UNREACHABLE_MESSAGE } from '../../forms/write-failure.js';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import type { Url } from '../../html/url.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { bufCurl } from '../../views/commands.js';
import { isUnreachable } from '../../views/errors.js';
import {
  DRAIN_STEPS,
  type DrainField,
  type DrainFormValues,
  type DrainInput,
  drainForm,
  drainRequest,
  drainRequestFromValues,
  drainViolations,
  emptyDrainForm,
  parseDrainForm,
} from '../../views/operations/drain-form.js';
import type { DrainImpact } from '../../views/operations/impact.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { readDrainImpact, readNamespaceSessions } from './read.js';

/*
 * Draining, in two posts: the form → the preview (what it would close, the target typed out) →
 * DrainConnections. The console reads the stream's first message for the operation id and
 * hangs up; the drain goes on on the control plane, and the operation's page follows it.
 */

interface DrainAnswer {
  status: number;
  values: DrainFormValues;
  errors: FormErrors<DrainField>;
  namespaces: readonly string[] | undefined;
  /** The second step (the preview); its impact may be unknown. */
  confirming?: boolean;
  impact?: DrainImpact | undefined;
  checkHref?: Url | undefined;
  retryAfterSeconds?: number | undefined;
}

function sendDrainForm(
  request: FastifyRequest,
  reply: HtmlReply,
  answer: DrainAnswer,
): Promise<Sent> {
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
  const command = bufCurl(
    AdminService.method.drainConnections,
    drainRequestFromValues(answer.values),
    commandOptions(request),
  );
  const form = () => (
    <DrainForm
      action={routes.operations.drain.href()}
      cancelHref={routes.operations.list.href()}
      values={answer.values}
      errors={answer.errors}
      namespaces={answer.namespaces}
      confirming={answer.confirming ?? false}
      impact={answer.impact}
      checkHref={answer.checkHref}
      command={command}
      csrfToken={request.csrfToken()}
    />
  );
  return reply.code(answer.status).page({
    area: 'operations',
    title: 'Drain connections',
    subtitle: answer.confirming ? 'Check what it closes, then confirm' : undefined,
    crumbs: [{ label: 'Drain connections' }],
    body: form,
    fragment: { id: DRAIN_FORM_ID, render: form },
  });
}

/**
 * Starts the drain and returns its operation id from the first message, then hangs up (the
 * drain goes on). Bounded by the console's deadline for a call: a lost answer is "unknown".
 */
async function startDrain(request: FastifyRequest, input: DrainInput): Promise<string> {
  const abort = new AbortController();
  try {
    const stream = request.server.controlPlane.drainConnections(drainRequest(input), {
      ...request.rpc(),
      signal: abort.signal,
    });
    for await (const first of stream) return first.operationId;
  } catch (err) {
    // The namespace went away between the preview and the confirmation: say so in the form.
    if (err instanceof ConnectError && err.code === Code.NotFound) {
      throw new ConnectError(
        `${err.rawMessage} — it no longer exists; choose another target.`,
        Code.FailedPrecondition,
      );
    }
    throw err;
  } finally {
    abort.abort();
  }
  throw new ConnectError(
    'the control plane ended the drain stream without a message',
    Code.Unknown,
  );
}

const drainQuery = z.object({
  namespace: z
    .string()
    .max(128)
    .optional()
    .catch(() => undefined),
});

export default async function drainRoutes(app: FastifyInstance) {
  // The form is guarded like the post: nobody is asked to confirm what they may not do.
  const mayDrain = { preHandler: app.requireRole(NEEDS.drainConnections, 'drainConnections') };

  get(
    app,
    routes.operations.drain,
    { ...mayDrain, query: drainQuery },
    async function drainForm_(request, reply) {
      const perNamespace = await readNamespaceSessions(request);
      return sendDrainForm(request, reply, {
        status: 200,
        values: emptyDrainForm(newRequestId(), request.query.namespace),
        errors: noErrors(),
        namespaces: perNamespace?.map((row) => row.namespace),
      });
    },
  );

  post(
    app,
    routes.operations.drain,
    { ...mayDrain, body: drainForm.body },
    async function drain(request, reply) {
      const values = { ...request.body };
      const perNamespace = await readNamespaceSessions(request);
      const namespaces = perNamespace?.map((row) => row.namespace);
      const editForm = (status: number, errors: FormErrors<DrainField>, v = values) =>
        sendDrainForm(request, reply, {
          status,
          values: { ...v, confirm: '' },
          errors,
          namespaces,
        });

      if (values.step === DRAIN_STEPS.edit) return editForm(200, noErrors());

      const confirming = values.step === DRAIN_STEPS.confirm;
      const parsed = parseDrainForm(values, { confirming, namespaces });
      // Without the namespaces (unreachable) the preview cannot be shown: say so on the form.
      const impactOrFailure = async (): Promise<DrainImpact | Sent> => {
        if (!perNamespace) {
          return editForm(503, { fields: {}, general: [UNREACHABLE_MESSAGE] });
        }
        try {
          return await readDrainImpact(request, values.target, perNamespace);
        } catch (err) {
          if (!isUnreachable(err)) throw err;
          return editForm(503, { fields: {}, general: [UNREACHABLE_MESSAGE] });
        }
      };

      if (!parsed.ok) {
        const onlyConfirm = Object.keys(parsed.errors.fields).every((f) => f === 'confirm');
        if (!confirming || !onlyConfirm || parsed.errors.general.length > 0) {
          // Never sent: a new request id, as every invalid form.
          return editForm(422, parsed.errors, withNewRequestId(values));
        }
        const impact = await impactOrFailure();
        if (!('rows' in impact)) return impact;
        // The same request id: an earlier attempt may have reached the control plane.
        return sendDrainForm(request, reply, {
          status: 422,
          values,
          errors: parsed.errors,
          namespaces,
          confirming: true,
          impact,
        });
      }

      if (!confirming) {
        const impact = await impactOrFailure();
        if (!('rows' in impact)) return impact;
        return sendDrainForm(request, reply, {
          status: 200,
          values: { ...values, confirm: '' },
          errors: noErrors(),
          namespaces,
          confirming: true,
          impact,
        });
      }

      const { input } = parsed;
      const result = await attemptWrite(
        request,
        'drain connections',
        values,
        { violations: drainViolations, checkHref: routes.operations.list.href() },
        async () => {
          const id = await startDrain(request, input);
          const notice = { notice: 'started', request: input.requestId };
          // A control plane that does not name the operation: the list shows it among the others.
          return reply.seeOther(
            id
              ? routes.operations.detail.href({ id }, notice)
              : routes.operations.list.href(notice),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      // The preview again with what was sent, so a retry is one click. A slow control plane
      // (unknown outcome) is not asked again for the impact: the page would only wait longer.
      let impact: DrainImpact | undefined;
      if (perNamespace && !failure.outcomeUnknown) {
        try {
          impact = await readDrainImpact(request, values.target, perNamespace);
        } catch (err) {
          if (!isUnreachable(err)) throw err;
        }
      }
      return sendDrainForm(request, reply, {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        namespaces,
        confirming: true,
        impact,
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    },
  );
}
