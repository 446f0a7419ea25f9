import type { FastifyRequest } from 'fastify';
import { attemptWrite, isFailedWrite, withNewRequestId } from '../../forms/submit.js';
import type { WriteFailureOptions } from '../../forms/write-failure.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import {
  type ConfigurationField,
  type ConfigurationFormValues,
  type ConfigurationInput,
  parseConfigurationForm,
} from '../../views/client-configurations/form.js';
import { editorAction } from '../../views/client-configurations/options.js';
import { routes } from '../table.js';
import { type FormAnswer, type FormTarget, sendConfigurationForm, sendEditedRows } from './form.js';
import { keepingError, markRows } from './violations.js';

export interface SaveSpec {
  /** For the log: "create client configuration". */
  what: string;
  /** How a refusal is explained; `checkHref` names the configuration as it was read. */
  failure: (input: ConfigurationInput) => WriteFailureOptions<ConfigurationField>;
  /** The control-plane call; answers the name of the configuration saved. */
  write: (input: ConfigurationInput) => Promise<string>;
  /** The notice on its detail page after the redirect. */
  notice: 'created' | 'updated';
  /** After a stale-version conflict: the answer to send instead. */
  onConflict?: (answer: FormAnswer, input: ConfigurationInput) => Promise<FormAnswer>;
}

/**
 * The post of the create or edit form: an options-editor button only re-renders the rows;
 * otherwise read the form, save, and redirect to the configuration, or send the form back as
 * the operator left it, the refused options marked beside their rows.
 */
export async function saveConfiguration(
  request: FastifyRequest,
  reply: HtmlReply,
  target: FormTarget,
  values: ConfigurationFormValues,
  spec: SaveSpec,
): Promise<Sent> {
  const action = editorAction(values.action);
  if (action) return sendEditedRows(request, reply, target, values, action);
  const parsed = parseConfigurationForm(values, target.mode);
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
  const result = await attemptWrite(request, spec.what, values, spec.failure(input), async () => {
    const name = await keepingError(
      (err) => {
        refused = err;
      },
      () => spec.write(input),
    );
    return reply.seeOther(
      routes.clientConfigurations.detail.href(
        { name },
        { notice: spec.notice, request: input.requestId },
      ),
    );
  });
  if (!isFailedWrite(result)) return result;
  const { failure } = result;
  const answer: FormAnswer = {
    status: failure.status,
    values: result.values,
    ...markRows(failure.errors, refused, values.rows),
    checkHref: failure.checkHref,
    retryAfterSeconds: failure.retryAfterSeconds,
    controlPlaneDown: failure.keepRequestId,
  };
  const sent = failure.conflict && spec.onConflict ? await spec.onConflict(answer, input) : answer;
  return sendConfigurationForm(request, reply, target, sent);
}
