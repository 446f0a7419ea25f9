import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DELETE_FORM_ID,
  DeleteNamespaceForm,
  type DeleteNamespaceFormProps,
} from '../../../components/namespaces/DeleteNamespaceForm.js';
import { type FormAnswer, submitForm } from '../../forms/answer.js';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { deleteNamespaceCommand } from '../../views/commands-forms.js';
import { deleteNamespaceRequest } from '../../views/commands-requests.js';
import { isUnreachable } from '../../views/errors.js';
import {
  type DeleteField,
  type DeleteFormValues,
  deleteForm,
  deleteViolations,
  emptyDeleteForm,
  parseDeleteForm,
} from '../../views/namespaces/delete.js';
import { namespaceDetail } from '../../views/namespaces/detail.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions, sendCommand, wantsCommand } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { getNamespace } from './read.js';

type DeleteAnswer = FormAnswer<DeleteField, DeleteFormValues, Namespace>;

function sendDeleteForm(
  request: FastifyRequest,
  reply: HtmlReply,
  name: string,
  answer: DeleteAnswer,
): Promise<Sent> {
  const props: DeleteNamespaceFormProps = {
    name,
    namespace: answer.current ? namespaceDetail(answer.current) : undefined,
    action: routes.namespaces.delete.href({ name }),
    cancelHref: routes.namespaces.detail.href({ name }),
    values: answer.values,
    errors: answer.errors,
    changedMeanwhile: answer.changedMeanwhile ?? false,
    checkHref: answer.checkHref,
    csrfToken: request.csrfToken(),
    command: deleteNamespaceCommand(answer.values, name, commandOptions(request)),
  };
  const form = () => <DeleteNamespaceForm {...props} />;
  return reply.code(answer.status).page({
    area: 'namespaces',
    title: `Delete ${name}`,
    crumbs: [{ label: name, href: routes.namespaces.detail.href({ name }) }, { label: 'Delete' }],
    body: form,
    fragment: { id: DELETE_FORM_ID, render: form },
  });
}

/** The namespace for the re-rendered form, if the control plane can be reached to read it. */
async function readForForm(request: FastifyRequest, name: string): Promise<Namespace | undefined> {
  try {
    return await getNamespace(request, name);
  } catch (err) {
    if (isUnreachable(err)) return undefined;
    throw err;
  }
}

export default async function deleteRoutes(app: FastifyInstance) {
  // The confirmation page is guarded like the post: nobody is asked to confirm what they may not do.
  const mayDelete = { preHandler: app.requireRole(NEEDS.deleteNamespace, 'deleteNamespace') };

  get(
    app,
    routes.namespaces.delete,
    mayDelete,
    async function confirmDeleteNamespace(request, reply) {
      const namespace = await getNamespace(request, request.params.name);
      return sendDeleteForm(request, reply, namespace.name, {
        status: 200,
        values: emptyDeleteForm(namespace, newRequestId()),
        errors: noErrors(),
        current: namespace,
      });
    },
  );

  post(
    app,
    routes.namespaces.delete,
    { ...mayDelete, body: deleteForm.body },
    async function deleteNamespace(request, reply) {
      const { name } = request.params;
      const values = request.body;
      if (wantsCommand(request)) {
        return sendCommand(reply, deleteNamespaceCommand(values, name, commandOptions(request)));
      }
      return submitForm(request, reply, {
        what: 'delete namespace',
        values,
        parsed: parseDeleteForm(values, name),
        // Gone from there (NOT_FOUND) if the lost delete was applied.
        failure: {
          violations: deleteViolations,
          checkHref: routes.namespaces.detail.href({ name }),
        },
        reread: () => readForForm(request, name),
        versionOf: (namespace) => namespace.version,
        write: async (input) => {
          await app.controlPlane.deleteNamespace(
            deleteNamespaceRequest(name, input),
            request.rpc(),
          );
          return reply.seeOther(
            routes.namespaces.list.href({ notice: 'deleted', request: values.request_id }),
          );
        },
        send: (answer) => sendDeleteForm(request, reply, name, answer),
      });
    },
  );
}
