import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import {
  CONFIGURATION_EXISTS,
  configurationBody,
  configurationMessage,
  configurationViolations,
  emptyConfigurationForm,
} from '../../views/client-configurations/form.js';
import { queryText } from '../../views/list-query.js';
import { NEEDS } from '../../views/permissions.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { sendConfigurationForm } from './form.js';
import { saveConfiguration } from './save.js';

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
      return saveConfiguration(request, reply, CREATE, values, {
        what: 'create client configuration',
        failure: (input) => ({
          violations: configurationViolations,
          alreadyExists: { field: 'name', message: CONFIGURATION_EXISTS },
          checkHref: routes.clientConfigurations.detail.href({ name: input.name }),
        }),
        write: async (input) => {
          const { clientConfiguration } = await app.controlPlane.createClientConfiguration(
            {
              clientConfiguration: configurationMessage(input),
              requestId: input.requestId,
              reason: input.reason,
            },
            request.rpc(),
          );
          return clientConfiguration?.name ?? input.name;
        },
        notice: 'created',
      });
    },
  );
}
