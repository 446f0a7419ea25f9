import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DELETE_FORM_ID,
  DeleteConfigurationForm,
  type DeleteConfigurationFormProps,
} from '../../../components/client-configurations/DeleteConfigurationForm.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import type { ClientConfiguration } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import type { Url } from '../../html/url.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { deleteCommand } from '../../views/client-configurations/commands.js';
import {
  type DeleteConfigurationField,
  type DeleteConfigurationValues,
  deleteConfigurationForm,
  deleteConfigurationViolations,
  emptyDeleteConfigurationForm,
  parseDeleteConfigurationForm,
} from '../../views/client-configurations/delete.js';
import { configurationDetail } from '../../views/client-configurations/detail.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { getConfiguration, readIfReachable } from './read.js';

interface DeleteAnswer {
  status: number;
  values: DeleteConfigurationValues;
  errors: FormErrors<DeleteConfigurationField>;
  configuration: ClientConfiguration | undefined;
  changedMeanwhile?: boolean;
  checkHref?: Url | undefined;
  retryAfterSeconds?: number | undefined;
}

function sendDeleteForm(
  request: FastifyRequest,
  reply: HtmlReply,
  name: string,
  answer: DeleteAnswer,
): Promise<Sent> {
  const detailHref = routes.clientConfigurations.detail.href({ name });
  const props: DeleteConfigurationFormProps = {
    name,
    configuration: answer.configuration ? configurationDetail(answer.configuration) : undefined,
    action: routes.clientConfigurations.delete.href({ name }),
    cancelHref: detailHref,
    values: answer.values,
    errors: answer.errors,
    changedMeanwhile: answer.changedMeanwhile ?? false,
    checkHref: answer.checkHref,
    csrfToken: request.csrfToken(),
    command: deleteCommand(name, answer.values, commandOptions(request)),
  };
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
  const form = () => <DeleteConfigurationForm {...props} />;
  return reply.code(answer.status).page({
    area: 'client-configurations',
    title: `Delete ${name}`,
    crumbs: [{ label: name, href: detailHref }, { label: 'Delete' }],
    body: form,
    fragment: { id: DELETE_FORM_ID, render: form },
  });
}

export default async function deleteRoutes(app: FastifyInstance) {
  const mayDelete = {
    preHandler: app.requireRole(NEEDS.deleteClientConfiguration, 'deleteClientConfiguration'),
  };

  get(
    app,
    routes.clientConfigurations.delete,
    mayDelete,
    async function confirmDeleteConfiguration(request, reply) {
      const configuration = await getConfiguration(request, request.params.name);
      return sendDeleteForm(request, reply, configuration.name, {
        status: 200,
        values: emptyDeleteConfigurationForm(configuration.version, newRequestId()),
        errors: noErrors(),
        configuration,
      });
    },
  );

  post(
    app,
    routes.clientConfigurations.delete,
    { ...mayDelete, body: deleteConfigurationForm.body },
    async function deleteClientConfiguration(request, reply) {
      const { name } = request.params;
      const values = request.body;
      const parsed = parseDeleteConfigurationForm(values, name);
      if (!parsed.ok) {
        return sendDeleteForm(request, reply, name, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
          configuration: await readIfReachable(request, name),
        });
      }
      const { input } = parsed;
      const result = await attemptWrite(
        request,
        'delete client configuration',
        values,
        {
          violations: deleteConfigurationViolations,
          checkHref: routes.clientConfigurations.detail.href({ name }),
        },
        async () => {
          await app.controlPlane.deleteClientConfiguration(
            { name, version: input.version, requestId: input.requestId, reason: input.reason },
            request.rpc(),
          );
          return reply.seeOther(
            routes.clientConfigurations.list.href({ notice: 'deleted', request: input.requestId }),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      const answer: DeleteAnswer = {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        configuration: failure.keepRequestId ? undefined : await readIfReachable(request, name),
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      };
      if (
        failure.conflict &&
        answer.configuration &&
        answer.configuration.version !== input.version
      ) {
        answer.values = { ...answer.values, version: answer.configuration.version.toString() };
        answer.errors = { ...answer.errors, general: [] };
        answer.changedMeanwhile = true;
      }
      return sendDeleteForm(request, reply, name, answer);
    },
  );
}
