import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import {
  CONFIGURATION_EXISTS,
  configurationBody,
  configurationMessage,
  configurationViolations,
  emptyConfigurationForm,
  parseConfigurationForm,
} from '../../views/client-configurations/form.js';
import { editorAction } from '../../views/client-configurations/options.js';
import { queryText } from '../../views/list-query.js';
import { NEEDS } from '../../views/permissions.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { sendConfigurationForm, sendEditedRows } from './form.js';
import { keepingError, markRows } from './violations.js';

const CREATE = { mode: 'create' } as const;

export default async function createRoutes(app: FastifyInstance) {
  // The form page is guarded like the post: an operator who may not save is not handed a form.
  const mayCreate = {
    preHandler: app.requireRole(NEEDS.createClientConfiguration, 'createClientConfiguration'),
  };

  get(
    app,
    routes.clientConfigurations.create,
    { ...mayCreate, query: z.object({ namespace: queryText }) },
    async function newConfigurationForm(request, reply) {
      const namespace = (request.query.namespace ?? '').slice(0, 63);
      return sendConfigurationForm(request, reply, CREATE, {
        status: 200,
        values: emptyConfigurationForm(newRequestId(), namespace),
        errors: noErrors(),
      });
    },
  );

  post(
    app,
    routes.clientConfigurations.list,
    { ...mayCreate, body: configurationBody },
    async function createClientConfiguration(request, reply) {
      const values = request.body;
      const action = editorAction(values.action);
      if (action) return sendEditedRows(request, reply, CREATE, values, action);
      const parsed = parseConfigurationForm(values, 'create');
      if (!parsed.ok) {
        return sendConfigurationForm(request, reply, CREATE, {
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
        'create client configuration',
        values,
        {
          violations: configurationViolations,
          alreadyExists: { field: 'name', message: CONFIGURATION_EXISTS },
          checkHref: routes.clientConfigurations.detail.href({ name: input.name }),
        },
        async () => {
          const { clientConfiguration } = await keepingError(
            (err) => {
              refused = err;
            },
            () =>
              app.controlPlane.createClientConfiguration(
                {
                  clientConfiguration: configurationMessage(input),
                  requestId: input.requestId,
                  reason: input.reason,
                },
                request.rpc(),
              ),
          );
          return reply.seeOther(
            routes.clientConfigurations.detail.href(
              { name: clientConfiguration?.name ?? input.name },
              { notice: 'created', request: input.requestId },
            ),
          );
        },
      );
      if (!isFailedWrite(result)) return result;
      const { failure } = result;
      return sendConfigurationForm(request, reply, CREATE, {
        status: failure.status,
        values: result.values,
        ...markRows(failure.errors, refused, values.rows),
        checkHref: failure.checkHref,
        retryAfterSeconds: failure.retryAfterSeconds,
        controlPlaneDown: failure.keepRequestId,
      });
    },
  );
}
