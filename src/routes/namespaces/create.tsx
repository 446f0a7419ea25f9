import type { FastifyInstance } from 'fastify';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import { namespaceCommand } from '../../views/commands-forms.js';
import { createNamespaceRequest } from '../../views/commands-requests.js';
import {
  emptyNamespaceForm,
  NAMESPACE_EXISTS,
  namespaceForm,
  namespaceViolations,
  parseNamespaceForm,
} from '../../views/namespaces/form.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions, sendCommand, wantsCommand } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { sendNamespaceForm } from './form.js';

const CREATE = { mode: 'create' } as const;

export default async function createRoutes(app: FastifyInstance) {
  // The form page is guarded like the post: an operator who may not save is not handed a form.
  const mayCreate = { preHandler: app.requireRole(NEEDS.createNamespace, 'createNamespace') };

  get(app, routes.namespaces.create, mayCreate, async function newNamespaceForm(request, reply) {
    // A fresh request id per rendering: a double submit of this form is one creation.
    return sendNamespaceForm(request, reply, CREATE, {
      status: 200,
      values: emptyNamespaceForm(newRequestId()),
      errors: noErrors(),
    });
  });

  post(
    app,
    routes.namespaces.list,
    { ...mayCreate, body: namespaceForm.body },
    async function createNamespace(request, reply) {
      const values = request.body;
      if (wantsCommand(request)) {
        return sendCommand(reply, namespaceCommand(values, 'create', commandOptions(request)));
      }
      const parsed = parseNamespaceForm(values, 'create');
      if (!parsed.ok) {
        return sendNamespaceForm(request, reply, CREATE, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
        });
      }
      const { input } = parsed;
      const result = await attemptWrite(
        request,
        'create namespace',
        values,
        {
          violations: namespaceViolations,
          alreadyExists: { field: 'name', message: NAMESPACE_EXISTS },
          // The name typed: if the lost create was applied, it is there.
          checkHref: routes.namespaces.detail.href({ name: input.name }),
        },
        async () => {
          const { namespace } = await app.controlPlane.createNamespace(
            createNamespaceRequest(input),
            request.rpc(),
          );
          return reply.seeOther(
            routes.namespaces.detail.href(
              { name: namespace?.name ?? input.name },
              { notice: 'created', request: values.request_id },
            ),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      return sendNamespaceForm(request, reply, CREATE, {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    },
  );
}
