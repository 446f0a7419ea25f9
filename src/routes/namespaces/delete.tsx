import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DELETE_FORM_ID,
  DeleteNamespaceForm,
  type DeleteNamespaceFormProps,
} from '../../../components/namespaces/DeleteNamespaceForm.js';
import type { Namespace } from '../../gen/prism/admin/v1/namespace_pb.js';
import { isUnreachable } from '../../views/errors.js';
import {
  DELETE_FIELDS,
  type DeleteField,
  type DeleteFormValues,
  deleteFormFromBody,
  emptyDeleteForm,
  type FormErrors,
  namespaceDetail,
  noErrors,
  parseDeleteForm,
  writeFailure,
} from '../../views/namespaces.js';
import { NEEDS } from '../../views/permissions.js';
import { paths } from '../paths.js';
import { sendPageOrFragment } from './page.js';
import { getNamespace, type NameParams } from './read.js';

interface DeleteAnswer {
  status: number;
  values: DeleteFormValues;
  errors: FormErrors<DeleteField>;
  /** Undefined when it could not be read (the control plane is unreachable). */
  namespace: Namespace | undefined;
  changedMeanwhile?: boolean;
}

function sendDeleteForm(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  answer: DeleteAnswer,
): Promise<FastifyReply> {
  const props: DeleteNamespaceFormProps = {
    name,
    namespace: answer.namespace ? namespaceDetail(answer.namespace) : undefined,
    action: paths.namespaces.delete(name),
    cancelHref: paths.namespaces.detail(name),
    values: answer.values,
    errors: answer.errors,
    changedMeanwhile: answer.changedMeanwhile ?? false,
    csrfToken: request.csrfToken(),
  };
  reply.code(answer.status);
  return sendPageOrFragment(
    request,
    reply,
    DELETE_FORM_ID,
    () => <DeleteNamespaceForm {...props} />,
    () => ({
      title: `Delete ${name}`,
      crumbs: [{ label: name, href: paths.namespaces.detail(name) }, { label: 'Delete' }],
      children: <DeleteNamespaceForm {...props} />,
    }),
  );
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

  app.get<{ Params: NameParams }>(
    '/namespaces/:name/delete',
    mayDelete,
    async function confirmDeleteNamespace(request, reply) {
      const namespace = await getNamespace(request, request.params.name);
      return sendDeleteForm(request, reply, namespace.name, {
        status: 200,
        values: emptyDeleteForm(namespace, randomUUID()),
        errors: noErrors(),
        namespace,
      });
    },
  );

  app.post<{ Params: NameParams }>(
    '/namespaces/:name/delete',
    mayDelete,
    async function deleteNamespace(request, reply) {
      const { name } = request.params;
      const values = deleteFormFromBody(request.body);
      const parsed = parseDeleteForm(values, name);
      if (!parsed.ok) {
        return sendDeleteForm(request, reply, name, {
          status: 422,
          values: { ...values, requestId: randomUUID() },
          errors: parsed.errors,
          namespace: await readForForm(request, name),
        });
      }
      const { input } = parsed;
      try {
        await app.controlPlane.deleteNamespace(
          { name, version: input.version, requestId: input.requestId, reason: input.reason },
          request.rpc(),
        );
        return reply.seeOther(paths.namespaces.list({ notice: 'deleted' }));
      } catch (err) {
        const failure = writeFailure(err, DELETE_FIELDS);
        if (!failure) throw err;
        request.log.info({ err }, 'delete namespace: refused or failed');
        const answer: DeleteAnswer = {
          status: failure.status,
          values: { ...values, requestId: failure.keepRequestId ? values.requestId : randomUUID() },
          errors: failure.errors,
          namespace: failure.keepRequestId ? undefined : await readForForm(request, name),
        };
        if (failure.conflict && answer.namespace && answer.namespace.version !== input.version) {
          // Changed since the operator looked: nothing deleted; show it as it is now and let
          // them confirm again against the new version.
          answer.values = { ...answer.values, version: answer.namespace.version.toString() };
          answer.errors = { ...answer.errors, general: [] };
          answer.changedMeanwhile = true;
        }
        return sendDeleteForm(request, reply, name, answer);
      }
    },
  );
}
