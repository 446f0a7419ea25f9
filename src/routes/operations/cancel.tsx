import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CANCEL_FORM_ID,
  CancelOperationForm,
} from '../../../components/operations/CancelOperationForm.js';
import { Alert } from '../../../components/ui/Alert.js';
import { buttonClass } from '../../../components/ui/buttons.js';
import { type FormAnswer, submitForm } from '../../forms/answer.js';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import type { Operation } from '../../gen/prism/admin/v1/operations_pb.js';
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

type CancelAnswer = FormAnswer<CancelField, CancelFormValues, Operation>;

function sendCancelForm(
  request: FastifyRequest,
  reply: HtmlReply,
  id: string,
  answer: CancelAnswer,
): Promise<Sent> {
  const view = answer.current ? operationView(answer.current, new Date()) : undefined;
  const detailHref = routes.operations.detail.href({ id });
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
      current: operation,
    });
  });

  post(
    app,
    routes.operations.cancel,
    { ...mayCancel, body: cancelOperationForm.body },
    async function cancelOperation(request, reply) {
      const { id } = request.params;
      const values = request.body;
      return submitForm(request, reply, {
        what: 'cancel operation',
        values,
        parsed: parseCancelForm(values, id),
        failure: { violations: cancelViolations, checkHref: routes.operations.detail.href({ id }) },
        reread: () => readOperationForForm(request, id),
        write: async (input) => {
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
        send: (answer) => sendCancelForm(request, reply, id, answer),
      });
    },
  );
}
