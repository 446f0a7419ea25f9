import type { FastifyInstance } from 'fastify';
import { newRequestId } from '../../forms/envelope.js';
import { noErrors } from '../../forms/errors.js';
import { conflictView } from '../../views/client-configurations/changes.js';
import {
  configurationBody,
  configurationFormValues,
  configurationMessage,
  configurationViolations,
  rebaseConfigurationForm,
} from '../../views/client-configurations/form.js';
import { NEEDS } from '../../views/permissions.js';
import { get, post } from '../register.js';
import { routes } from '../table.js';
import { sendConfigurationForm } from './form.js';
import { getConfiguration, readIfReachable } from './read.js';
import { saveConfiguration } from './save.js';

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
      return saveConfiguration(request, reply, target, values, {
        what: 'update client configuration',
        failure: () => ({
          violations: configurationViolations,
          checkHref: routes.clientConfigurations.detail.href({ name }),
        }),
        write: async (input) => {
          await app.controlPlane.updateClientConfiguration(
            {
              // The whole configuration: the contract has no update mask.
              clientConfiguration: configurationMessage(input),
              requestId: input.requestId,
              reason: input.reason,
            },
            request.rpc(),
          );
          return name;
        },
        notice: 'updated',
        onConflict: async (answer, input) => {
          // Someone else saved first: keep the operator's input, say what they changed, and
          // carry the current version so saving again applies these values over it.
          const current = await readIfReachable(request, name);
          if (!current || current.version === input.version) return answer;
          return {
            ...answer,
            values: rebaseConfigurationForm(answer.values, current),
            errors: { ...answer.errors, general: [] },
            conflict: conflictView(values, current),
          };
        },
      });
    },
  );
}
