import type { FastifyInstance } from 'fastify';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import { conflictView } from '../../views/client-configurations/changes.js';
import {
  configurationBody,
  configurationFormValues,
  configurationMessage,
  configurationViolations,
  parseConfigurationForm,
  rebaseConfigurationForm,
} from '../../views/client-configurations/form.js';
import { editorAction } from '../../views/client-configurations/options.js';
import { NEEDS } from '../../views/permissions.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { type FormAnswer, sendConfigurationForm, sendEditedRows } from './form.js';
import { getConfiguration, readIfReachable } from './read.js';
import { keepingError, markRows } from './violations.js';

export default async function editRoutes(app: FastifyInstance) {
  const mayUpdate = {
    preHandler: app.requireRole(NEEDS.updateClientConfiguration, 'updateClientConfiguration'),
  };

  get(
    app,
    routes.clientConfigurations.edit,
    mayUpdate,
    async function editConfigurationForm(request, reply) {
      const current = await getConfiguration(request, request.params.name);
      return sendConfigurationForm(
        request,
        reply,
        { mode: 'edit', name: current.name },
        {
          status: 200,
          values: configurationFormValues(current, newRequestId()),
          errors: noErrors(),
        },
      );
    },
  );

  post(
    app,
    routes.clientConfigurations.detail,
    { ...mayUpdate, body: configurationBody },
    async function updateClientConfiguration(request, reply) {
      const { name } = request.params;
      const target = { mode: 'edit', name } as const;
      // The name is the URL's; whatever the body says about it is ignored.
      const values = { ...request.body, name };
      const action = editorAction(values.action);
      if (action) return sendEditedRows(request, reply, target, values, action);
      const parsed = parseConfigurationForm(values, 'edit');
      if (!parsed.ok) {
        return sendConfigurationForm(request, reply, target, {
          status: 422,
          values: withNewRequestId(values),
          errors: parsed.errors,
          rowErrors: parsed.rows,
        });
      }
      const { input } = parsed;
      let refused: unknown;
      const result = await attemptWrite(
        request,
        'update client configuration',
        values,
        {
          violations: configurationViolations,
          checkHref: routes.clientConfigurations.detail.href({ name }),
        },
        async () => {
          await keepingError(
            (err) => {
              refused = err;
            },
            () =>
              app.controlPlane.updateClientConfiguration(
                {
                  // The whole configuration: the contract has no update mask.
                  clientConfiguration: configurationMessage(input),
                  requestId: input.requestId,
                  reason: input.reason,
                },
                request.rpc(),
              ),
          );
          return reply.seeOther(
            routes.clientConfigurations.detail.href(
              { name },
              { notice: 'updated', request: input.requestId },
            ),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      let answer: FormAnswer = {
        status: failure.status,
        values: result.values,
        ...markRows(failure.errors, refused, values.rows),
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
        controlPlaneDown: failure.keepRequestId,
      };
      if (failure.conflict) {
        // Someone else saved first: keep the operator's input, say what they changed, and
        // carry the current version so saving again applies these values over it.
        const current = await readIfReachable(request, name);
        if (current && current.version !== input.version) {
          answer = {
            ...answer,
            values: rebaseConfigurationForm(answer.values, current),
            errors: { ...answer.errors, general: [] },
            conflict: conflictView(values, current),
          };
        }
      }
      return sendConfigurationForm(request, reply, target, answer);
    },
  );
}
