import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  NAMESPACE_FORM_ID,
  NamespaceForm,
  type NamespaceFormProps,
} from '../../../components/namespaces/NamespaceForm.js';
import {
  type ConflictView,
  conflictView,
  emptyNamespaceForm,
  type FormErrors,
  NAMESPACE_FIELDS,
  type NamespaceField,
  type NamespaceFormValues,
  type NamespaceInput,
  namespaceFormFromBody,
  namespaceFormValues,
  noErrors,
  parseNamespaceForm,
  writeFailure,
} from '../../views/namespaces.js';
import { NEEDS } from '../../views/permissions.js';
import { paths } from '../paths.js';
import { sendPageOrFragment } from './page.js';
import { getNamespace, type NameParams } from './read.js';

/** Every field the edit form holds; sent as the update mask so nothing else is touched. */
const UPDATE_MASK = ['description', 'status', 'quota', 'config'];

interface FormAnswer {
  status: number;
  values: NamespaceFormValues;
  errors: FormErrors<NamespaceField>;
  conflict?: ConflictView | undefined;
}

function sendCreateForm(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: FormAnswer,
): Promise<FastifyReply> {
  const props: NamespaceFormProps = {
    mode: 'create',
    action: paths.namespaces.createAction(),
    cancelHref: paths.namespaces.list(),
    csrfToken: request.csrfToken(),
    ...answer,
  };
  reply.code(answer.status);
  return sendPageOrFragment(
    request,
    reply,
    NAMESPACE_FORM_ID,
    () => <NamespaceForm {...props} />,
    () => ({
      title: 'New namespace',
      crumbs: [{ label: 'New namespace' }],
      children: <NamespaceForm {...props} />,
    }),
  );
}

function sendEditForm(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  answer: FormAnswer,
): Promise<FastifyReply> {
  const props: NamespaceFormProps = {
    mode: 'edit',
    action: paths.namespaces.detail(name),
    cancelHref: paths.namespaces.detail(name),
    csrfToken: request.csrfToken(),
    ...answer,
  };
  reply.code(answer.status);
  return sendPageOrFragment(
    request,
    reply,
    NAMESPACE_FORM_ID,
    () => <NamespaceForm {...props} />,
    () => ({
      title: `Edit ${name}`,
      crumbs: [{ label: name, href: paths.namespaces.detail(name) }, { label: 'Edit' }],
      children: <NamespaceForm {...props} />,
    }),
  );
}

function namespaceMessage(input: NamespaceInput) {
  return {
    name: input.name,
    description: input.description,
    status: input.status,
    quota: input.quota,
    config: input.config,
    version: input.version,
  };
}

export default async function editRoutes(app: FastifyInstance) {
  // The form pages are guarded like the posts: an operator who may not save is not handed a form.
  const mayCreate = { preHandler: app.requireRole(NEEDS.createNamespace, 'createNamespace') };
  const mayUpdate = { preHandler: app.requireRole(NEEDS.updateNamespace, 'updateNamespace') };

  // --- create ---

  app.get(paths.namespaces.create(), mayCreate, async function newNamespaceForm(request, reply) {
    // A fresh request id per rendering: a double submit of this form is one creation.
    return sendCreateForm(request, reply, {
      status: 200,
      values: emptyNamespaceForm(randomUUID()),
      errors: noErrors(),
    });
  });

  app.post(
    paths.namespaces.createAction(),
    mayCreate,
    async function createNamespace(request, reply) {
      const values = namespaceFormFromBody(request.body);
      const parsed = parseNamespaceForm(values, 'create');
      if (!parsed.ok) {
        return sendCreateForm(request, reply, {
          status: 422,
          values: { ...values, requestId: randomUUID() },
          errors: parsed.errors,
        });
      }
      const { input } = parsed;
      try {
        const { namespace } = await app.controlPlane.createNamespace(
          { namespace: namespaceMessage(input), requestId: input.requestId, reason: input.reason },
          request.rpc(),
        );
        return reply.seeOther(
          paths.namespaces.detail(namespace?.name ?? input.name, { notice: 'created' }),
        );
      } catch (err) {
        const failure = writeFailure(err, NAMESPACE_FIELDS);
        if (!failure) throw err;
        request.log.info({ err }, 'create namespace: refused or failed');
        return sendCreateForm(request, reply, {
          status: failure.status,
          // Not reached: the same id lets the control plane recognise a resubmission.
          values: { ...values, requestId: failure.keepRequestId ? values.requestId : randomUUID() },
          errors: failure.errors,
        });
      }
    },
  );

  // --- edit ---

  app.get<{ Params: NameParams }>(
    '/namespaces/:name/edit',
    mayUpdate,
    async function editNamespaceForm(request, reply) {
      const namespace = await getNamespace(request, request.params.name);
      return sendEditForm(request, reply, namespace.name, {
        status: 200,
        values: namespaceFormValues(namespace, randomUUID()),
        errors: noErrors(),
      });
    },
  );

  app.post<{ Params: NameParams }>(
    '/namespaces/:name',
    mayUpdate,
    async function updateNamespace(request, reply) {
      const { name } = request.params;
      // The name is the URL's; whatever the body says about it is ignored.
      const values = { ...namespaceFormFromBody(request.body), name };
      const parsed = parseNamespaceForm(values, 'edit');
      if (!parsed.ok) {
        return sendEditForm(request, reply, name, {
          status: 422,
          values: { ...values, requestId: randomUUID() },
          errors: parsed.errors,
        });
      }
      const { input } = parsed;
      try {
        await app.controlPlane.updateNamespace(
          {
            namespace: namespaceMessage(input),
            updateMask: { paths: UPDATE_MASK },
            requestId: input.requestId,
            reason: input.reason,
          },
          request.rpc(),
        );
        return reply.seeOther(paths.namespaces.detail(name, { notice: 'updated' }));
      } catch (err) {
        const failure = writeFailure(err, NAMESPACE_FIELDS);
        if (!failure) throw err;
        request.log.info({ err }, 'update namespace: refused or failed');
        let answer: FormAnswer = {
          status: failure.status,
          values: { ...values, requestId: failure.keepRequestId ? values.requestId : randomUUID() },
          errors: failure.errors,
        };
        if (failure.conflict) {
          // Someone else saved first. Keep the operator's input, show what is there now, and
          // carry the current version so saving again applies their values on top of it.
          const current = await getNamespace(request, name);
          if (current.version !== input.version) {
            answer = {
              ...answer,
              values: { ...answer.values, version: current.version.toString() },
              errors: { ...failure.errors, general: [] },
              conflict: conflictView(current),
            };
          }
        }
        return sendEditForm(request, reply, name, answer);
      }
    },
  );
}
