import type { FastifyInstance } from 'fastify';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import { namespaceCommand } from '../../views/commands-forms.js';
import { updateNamespaceRequest } from '../../views/commands-requests.js';
import {
  conflictView,
  namespaceForm,
  namespaceFormValues,
  namespaceViolations,
  parseNamespaceForm,
  rebaseNamespaceForm,
} from '../../views/namespaces/form.js';
import { NEEDS } from '../../views/permissions.js';
import { commandOptions, sendCommand, wantsCommand } from '../commands.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { type FormAnswer, sendNamespaceForm } from './form.js';
import { getNamespace } from './read.js';

export default async function editRoutes(app: FastifyInstance) {
  // The form page is guarded like the post: an operator who may not save is not handed a form.
  const mayUpdate = { preHandler: app.requireRole(NEEDS.updateNamespace, 'updateNamespace') };

  get(app, routes.namespaces.edit, mayUpdate, async function editNamespaceForm(request, reply) {
    const namespace = await getNamespace(request, request.params.name);
    return sendNamespaceForm(
      request,
      reply,
      { mode: 'edit', name: namespace.name },
      { status: 200, values: namespaceFormValues(namespace, newRequestId()), errors: noErrors() },
    );
  });

  post(
    app,
    routes.namespaces.detail,
    { ...mayUpdate, body: namespaceForm.body },
    async function updateNamespace(request, reply) {
      const { name } = request.params;
      const target = { mode: 'edit', name } as const;
      // The name is the URL's; whatever the body says about it is ignored.
      const values = { ...request.body, name };
      if (wantsCommand(request)) {
        return sendCommand(reply, namespaceCommand(values, 'edit', commandOptions(request)));
      }
      const parsed = parseNamespaceForm(values, 'edit');
      if (!parsed.ok) {
        return sendNamespaceForm(request, reply, target, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
        });
      }
      const { input } = parsed;
      const result = await attemptWrite(
        request,
        'update namespace',
        values,
        { violations: namespaceViolations, checkHref: routes.namespaces.detail.href({ name }) },
        async () => {
          await app.controlPlane.updateNamespace(
            updateNamespaceRequest(input, values),
            request.rpc(),
          );
          return reply.seeOther(
            routes.namespaces.detail.href(
              { name },
              { notice: 'updated', request: values.request_id },
            ),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      let answer: FormAnswer = {
        status: failure.status,
        values: result.values,
        errors: failure.errors,
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
      };
      if (failure.conflict) {
        // Someone else saved first. Keep the operator's input, show what is there now, and
        // carry the current version (and its values as the originals, which always go with the
        // version) so saving again applies their values on top of it.
        const current = await getNamespace(request, name);
        if (current.version !== input.version) {
          answer = {
            ...answer,
            values: rebaseNamespaceForm(answer.values, current),
            errors: { ...failure.errors, general: [] },
            conflict: conflictView(current),
          };
        }
      }
      return sendNamespaceForm(request, reply, target, answer);
    },
  );
}
