import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  TERMINATE_FORM_ID,
  TerminateSessionForm,
} from '../../../components/client-sessions/TerminateSessionForm.js';
import { Alert } from '../../../components/ui/Alert.js';
import { buttonClass } from '../../../components/ui/buttons.js';
import { type FormAnswer, submitForm } from '../../forms/answer.js';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import type { ClientSession } from '../../gen/prism/admin/v1/client_session_pb.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { sessionDetail } from '../../views/client-sessions/detail.js';
import {
  emptyTerminateForm,
  parseTerminateForm,
  TERMINATE_SESSIONS_ROLE,
  type TerminateField,
  type TerminateFormValues,
  terminatedNotice,
  terminateForm,
  terminateViolations,
} from '../../views/client-sessions/terminate.js';
import { terminateSessionCommand } from '../../views/commands-forms.js';
import { terminateSessionRequest } from '../../views/commands-requests.js';
import { commandOptions, sendCommand, wantsCommand } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { getClientSession, readForForm } from './read.js';

type TerminateAnswer = FormAnswer<TerminateField, TerminateFormValues, ClientSession>;

function sendTerminateForm(
  request: FastifyRequest,
  reply: HtmlReply,
  id: string,
  answer: TerminateAnswer,
): Promise<Sent> {
  const detail = answer.current ? sessionDetail(answer.current, new Date()) : undefined;
  const detailHref = routes.sessions.detail.href({ id });
  const form = () =>
    detail && !detail.open && answer.status === 200 ? (
      <Alert tone="info" title="This session is already terminated" testId="already-terminated">
        <p>
          <a href={detailHref} class={buttonClass.secondary}>
            Back to the session
          </a>
        </p>
      </Alert>
    ) : (
      <TerminateSessionForm
        id={id}
        session={detail}
        action={routes.sessions.terminate.href({ id })}
        cancelHref={detailHref}
        values={answer.values}
        errors={answer.errors}
        checkHref={answer.checkHref}
        csrfToken={request.csrfToken()}
        command={terminateSessionCommand(answer.values, id, commandOptions(request))}
      />
    );
  return reply.code(answer.status).page({
    area: 'sessions',
    title: 'Terminate client session',
    subtitle: detail?.clientId ? `${detail.clientId} · ${id}` : id,
    crumbs: [{ label: id, href: detailHref }, { label: 'Terminate' }],
    body: form,
    fragment: { id: TERMINATE_FORM_ID, render: form },
  });
}

export default async function terminateRoutes(app: FastifyInstance) {
  // The form is guarded like the post: nobody is asked to confirm what they may not do.
  const mayTerminate = {
    preHandler: app.requireRole(TERMINATE_SESSIONS_ROLE, 'terminateClientSession'),
  };

  get(
    app,
    routes.sessions.terminate,
    mayTerminate,
    async function confirmTerminateSession(request, reply) {
      const session = await getClientSession(request, request.params.id);
      return sendTerminateForm(request, reply, session.id, {
        status: 200,
        values: emptyTerminateForm(newRequestId()),
        errors: noErrors(),
        current: session,
      });
    },
  );

  post(
    app,
    routes.sessions.terminate,
    { ...mayTerminate, body: terminateForm.body },
    async function terminateSession(request, reply) {
      const { id } = request.params;
      const values = request.body;
      if (wantsCommand(request)) {
        return sendCommand(reply, terminateSessionCommand(values, id, commandOptions(request)));
      }
      return submitForm(request, reply, {
        what: 'terminate client session',
        values,
        parsed: parseTerminateForm(values, id),
        failure: {
          violations: terminateViolations,
          checkHref: routes.sessions.detail.href({ id }),
        },
        reread: () => readForForm(request, id),
        write: async (input) => {
          const { clientSession } = await app.controlPlane.terminateClientSession(
            terminateSessionRequest(id, input),
            request.rpc(),
          );
          const notice = terminatedNotice(clientSession);
          return reply.seeOther(
            routes.sessions.detail.href({ id }, { notice, request: values.request_id }),
          );
        },
        send: (answer) => sendTerminateForm(request, reply, id, answer),
      });
    },
  );
}
