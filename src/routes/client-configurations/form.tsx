import type { FastifyRequest } from 'fastify';
import {
  CONFIGURATION_FORM_ID,
  ConfigurationForm,
  type ConfigurationFormProps,
} from '../../../components/client-configurations/ConfigurationForm.js';
import { type FormErrors, noErrors } from '../../forms/errors.js';
import type { Url } from '../../html/url.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import type { ConflictView } from '../../views/client-configurations/changes.js';
import { saveCommand } from '../../views/client-configurations/commands.js';
import type {
  ConfigurationField,
  ConfigurationFormValues,
} from '../../views/client-configurations/form.js';
import {
  applyEditorAction,
  type EditorAction,
  type RowErrors,
} from '../../views/client-configurations/options.js';
import { commandOptions } from '../commands.js';
import { routes } from '../table.js';
import { loadChoices, notListed } from './read.js';

/** The create or edit form as it is answered: first shown, or sent back with messages. */
export interface FormAnswer {
  status: number;
  values: ConfigurationFormValues;
  errors: FormErrors<ConfigurationField>;
  rowErrors?: RowErrors | undefined;
  conflict?: ConflictView | undefined;
  checkHref?: Url | undefined;
  retryAfterSeconds?: number | undefined;
  focus?: ConfigurationFormProps['focus'];
  /**
   * The control plane was not reached or did not answer: the form comes back at once with text
   * boxes, instead of waiting for the choice lists to fail too.
   */
  controlPlaneDown?: boolean | undefined;
}

export type FormTarget = { mode: 'create' } | { mode: 'edit'; name: string };

/** The form as a page, or alone when htmx posted it (its answer replaces the form). */
export async function sendConfigurationForm(
  request: FastifyRequest,
  reply: HtmlReply,
  target: FormTarget,
  answer: FormAnswer,
): Promise<Sent> {
  const edit = target.mode === 'edit' ? target : undefined;
  if (answer.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(answer.retryAfterSeconds));
  }
  const choices = answer.controlPlaneDown ? notListed() : await loadChoices(request);
  const detailHref = edit
    ? routes.clientConfigurations.detail.href({ name: edit.name })
    : undefined;
  const props: ConfigurationFormProps = {
    mode: target.mode,
    // Create posts to the list; an edit posts to the configuration.
    action: detailHref ?? routes.clientConfigurations.list.href(),
    cancelHref: detailHref ?? routes.clientConfigurations.list.href(),
    csrfToken: request.csrfToken(),
    values: answer.values,
    errors: answer.errors,
    rowErrors: answer.rowErrors ?? {},
    conflict: answer.conflict,
    checkHref: answer.checkHref,
    choices,
    command: saveCommand(target.mode, answer.values, commandOptions(request)),
    focus: answer.focus,
  };
  const form = () => <ConfigurationForm {...props} />;
  return reply.code(answer.status).page({
    area: 'client-configurations',
    title: edit ? `Edit ${edit.name}` : 'New client configuration',
    crumbs: edit
      ? [{ label: edit.name, href: detailHref }, { label: 'Edit' }]
      : [{ label: 'New configuration' }],
    body: form,
    fragment: { id: CONFIGURATION_FORM_ID, render: form },
  });
}

/**
 * "Add option" or "Remove": the form again with one row more or less and everything else as
 * typed — the same request id (nothing was sent), no messages, nothing asked of the control
 * plane but the choice lists.
 */
export function sendEditedRows(
  request: FastifyRequest,
  reply: HtmlReply,
  target: FormTarget,
  values: ConfigurationFormValues,
  action: NonNullable<EditorAction>,
): Promise<Sent> {
  const rows = applyEditorAction(values.rows, action);
  return sendConfigurationForm(request, reply, target, {
    status: 200,
    values: { ...values, action: '', rows },
    errors: noErrors(),
    focus: action.kind === 'add' ? { row: rows.length - 1 } : 'add',
  });
}
