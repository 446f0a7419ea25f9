import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DELETE_FORM_ID,
  DeleteNamespaceForm,
  type DeleteNamespaceFormProps,
} from '../../../components/namespaces/DeleteNamespaceForm.js';
import { newRequestId } from '../../forms/envelope.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import type { Url } from '../../html/url.js';
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

interface DeleteAnswer {
  status: number;
  values: DeleteFormValues;
  errors: FormErrors<DeleteField>;
  /** Undefined when it could not be read (the control plane is unreachable). */
  namespace: Namespace | undefined;
  changedMeanwhile?: boolean;
  /** Where to check whether a delete whose answer was lost was applied. */
  checkHref?: Url | undefined;
  /** Answered as `Retry-After` (the control plane asked to wait). */
  retryAfterSeconds?: number | undefined;
}

function sendDeleteForm(
  request: FastifyRequest,
  reply: HtmlReply,
  name: string,
  answer: DeleteAnswer,
): Promise<Sent> {
  const props: DeleteNamespaceFormProps = {
    name,
    namespace: answer.namespace ? namespaceDetail(answer.namespace) : undefined,
    action: routes.namespaces.delete.href({ name }),
    cancelHref: routes.namespaces.detail.href({ name }),
    values: answer.values,
    errors: answer.errors,
    changedMeanwhile: answer.changedMeanwhile ?? false,
    checkHref: answer.checkHref,
    csrfToken: request.csrfToken(),
    command: deleteNamespaceCommand(answer.values, name, commandOptions(request)),
  };
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
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
        namespace,
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
      const parsed = parseDeleteForm(values, name);
      if (!parsed.ok) {
        return sendDeleteForm(request, reply, name, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
          namespace: await readForForm(request, name),
        });
      }
      const { input } = parsed;
      const result = await attemptWrite(
        request,
        'delete namespace',
        values,
        // Gone from there (NOT_FOUND) if the lost delete was applied.
        { violations: deleteViolations, checkHref: routes.namespaces.detail.href({ name }) },
        async () => {
          await app.controlPlane.deleteNamespace(
            deleteNamespaceRequest(name, input),
            request.rpc(),
          );
          return reply.seeOther(
            routes.namespaces.list.href({ notice: 'deleted', request: values.request_id }),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      const answer: DeleteAnswer = {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        namespace: failure.keepRequestId ? undefined : await readForForm(request, name),
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      };
      if (failure.conflict && answer.namespace && answer.namespace.version !== input.version) {
        // Changed since the operator looked: nothing deleted; show it as it is now and let
        // them confirm again against the new version.
        answer.values = { ...answer.values, version: answer.namespace.version.toString() };
        answer.errors = { ...answer.errors, general: [] };
        answer.changedMeanwhile = true;
      }
      return sendDeleteForm(request, reply, name, answer);
    },
  );
}
