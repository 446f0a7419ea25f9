import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DELETE_FORM_ID,
  DeleteConfigurationForm,
  type DeleteConfigurationFormProps,
} from '../../../components/client-configurations/DeleteConfigurationForm.js';
import { type FormAnswer, submitForm } from '../../forms/answer.js';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import type { ClientConfiguration } from '../../gen/prism/admin/v1/client_configuration_pb.js';
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

type DeleteAnswer = FormAnswer<
  DeleteConfigurationField,
  DeleteConfigurationValues,
  ClientConfiguration
>;

function sendDeleteForm(
  request: FastifyRequest,
  reply: HtmlReply,
  name: string,
  answer: DeleteAnswer,
): Promise<Sent> {
  const detailHref = routes.clientConfigurations.detail.href({ name });
  const props: DeleteConfigurationFormProps = {
    name,
    configuration: answer.current ? configurationDetail(answer.current) : undefined,
    action: routes.clientConfigurations.delete.href({ name }),
    cancelHref: detailHref,
    values: answer.values,
    errors: answer.errors,
    changedMeanwhile: answer.changedMeanwhile ?? false,
    checkHref: answer.checkHref,
    csrfToken: request.csrfToken(),
    command: deleteCommand(name, answer.values, commandOptions(request)),
  };
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
        current: configuration,
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
      return submitForm(request, reply, {
        what: 'delete client configuration',
        values,
        parsed: parseDeleteConfigurationForm(values, name),
        failure: {
          violations: deleteConfigurationViolations,
          checkHref: routes.clientConfigurations.detail.href({ name }),
        },
        reread: () => readIfReachable(request, name),
        versionOf: (configuration) => configuration.version,
        write: async (input) => {
          await app.controlPlane.deleteClientConfiguration(
            { name, version: input.version, requestId: input.requestId, reason: input.reason },
            request.rpc(),
          );
          return reply.seeOther(
            routes.clientConfigurations.list.href({ notice: 'deleted', request: input.requestId }),
          );
        },
        send: (answer) => sendDeleteForm(request, reply, name, answer),
      });
    },
  );
}
