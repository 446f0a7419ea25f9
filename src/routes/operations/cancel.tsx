import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CANCEL_FORM_ID,
  CancelOperationForm,
} from '../../../components/operations/CancelOperationForm.js';
import { Alert } from '../../../components/ui/Alert.js';
import { buttonClass } from '../../../components/ui/buttons.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import type { Operation } from '../../gen/prism/admin/v1/operations_pb.js';
import type { Url } from '../../html/url.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { bufCurl } from '../../views/commands.js';
import {
  type CancelField,
  type CancelFormValues,
  cancelOperationForm,
  cancelViolations,
  emptyCancelForm,
  parseCancelForm,
} from '../../views/operations/cancel-form.js';
import { operationView } from '../../views/operations/operation.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { getOperation, readOperationForForm } from './read.js';

interface CancelAnswer {
  status: number;
  values: CancelFormValues;
  errors: FormErrors<CancelField>;
  operation: Operation | undefined;
  checkHref?: Url | undefined;
  retryAfterSeconds?: number | undefined;
}

function sendCancelForm(
  request: FastifyRequest,
  reply: HtmlReply,
  id: string,
  answer: CancelAnswer,
): Promise<Sent> {
  const view = answer.operation ? operationView(answer.operation, new Date()) : undefined;
  const detailHref = routes.operations.detail.href({ id });
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
  const command = bufCurl(
    AdminService.method.cancelOperation,
    { id, requestId: answer.values.request_id, reason: answer.values.reason },
    commandOptions(request),
  );
  const form = () =>
    view?.done && answer.status === 200 ? (
      <Alert tone="info" title="This operation is done already" testId="already-done">
        <p>
          Only a running operation can be cancelled.{' '}
          <a href={detailHref} class={buttonClass.secondary}>
            Back to the operation
          </a>
        </p>
      </Alert>
    ) : (
      <CancelOperationForm
        id={id}
        view={view}
        action={routes.operations.cancel.href({ id })}
        cancelHref={detailHref}
        values={answer.values}
        errors={answer.errors}
        checkHref={answer.checkHref}
        command={command}
        csrfToken={request.csrfToken()}
      />
    );
  return reply.code(answer.status).page({
    area: 'operations',
    title: 'Cancel operation',
    subtitle: view ? `${view.kind} of ${view.target} · ${id}` : id,
    crumbs: [{ label: id, href: detailHref }, { label: 'Cancel' }],
    body: form,
    fragment: { id: CANCEL_FORM_ID, render: form },
  });
}

export default async function cancelRoutes(app: FastifyInstance) {
  const mayCancel = { preHandler: app.requireRole(NEEDS.cancelOperation, 'cancelOperation') };

  get(app, routes.operations.cancel, mayCancel, async function confirmCancel(request, reply) {
    const operation = await getOperation(request, request.params.id);
    return sendCancelForm(request, reply, operation.id, {
      status: 200,
      values: emptyCancelForm(newRequestId()),
      errors: noErrors(),
      operation,
    });
  });

  post(
    app,
    routes.operations.cancel,
    { ...mayCancel, body: cancelOperationForm.body },
    async function cancelOperation(request, reply) {
      const { id } = request.params;
      const values = request.body;
      const parsed = parseCancelForm(values, id);
      if (!parsed.ok) {
        return sendCancelForm(request, reply, id, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
          operation: await readOperationForForm(request, id),
        });
      }
      const { input } = parsed;
      const detailHref = routes.operations.detail.href({ id });
      const result = await attemptWrite(
        request,
        'cancel operation',
        values,
        { violations: cancelViolations, checkHref: detailHref },
        async () => {
          await app.controlPlane.cancelOperation(
            { id, reason: input.reason, requestId: input.requestId },
            request.rpc(),
          );
          return reply.seeOther(
            routes.operations.detail.href(
              { id },
              { notice: 'cancelled', request: input.requestId },
            ),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      return sendCancelForm(request, reply, id, {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        operation: failure.outcomeUnknown ? undefined : await readOperationForForm(request, id),
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    },
  );
}
