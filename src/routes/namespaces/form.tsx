import type { FastifyRequest } from 'fastify';
import {
  NAMESPACE_FORM_ID,
  NamespaceForm,
  type NamespaceFormProps,
} from '../../../components/namespaces/NamespaceForm.js';
import type { FormErrors } from '../../forms/errors.js';
import type { Url } from '../../html/url.js';
import type { HtmlReply, Sent } from '../../plugins/page.js';
import { namespaceCommand } from '../../views/commands-forms.js';
import type {
  ConflictView,
  NamespaceField,
  NamespaceFormValues,
} from '../../views/namespaces/form.js';
import { commandOptions } from '../commands.js';
import { routes } from '../table.js';

/** The create or edit form as it is answered: first shown, or sent back with messages. */
export interface FormAnswer {
  status: number;
  values: NamespaceFormValues;
  errors: FormErrors<NamespaceField>;
  conflict?: ConflictView | undefined;
  /** Where to check whether a write whose answer was lost was applied. */
  checkHref?: Url | undefined;
  /** Answered as `Retry-After` (the control plane asked to wait). */
  retryAfterSeconds?: number | undefined;
}

/** Which form: a new namespace, or the edit of an existing one. */
export type FormTarget = { mode: 'create' } | { mode: 'edit'; name: string };

/** The form as a page, or alone when htmx posted it (its answer replaces the form). */
export function sendNamespaceForm(
  request: FastifyRequest,
  reply: HtmlReply,
  target: FormTarget,
  answer: FormAnswer,
): Promise<Sent> {
  const edit = target.mode === 'edit' ? target : undefined;
  const { retryAfterSeconds, ...shown } = answer;
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  const props: NamespaceFormProps = {
    mode: target.mode,
    // Create posts to the list; an edit posts to the namespace.
    action: edit
      ? routes.namespaces.detail.href({ name: edit.name })
      : routes.namespaces.list.href(),
    cancelHref: edit
      ? routes.namespaces.detail.href({ name: edit.name })
      : routes.namespaces.list.href(),
    csrfToken: request.csrfToken(),
    ...shown,
    command: namespaceCommand(shown.values, target.mode, commandOptions(request)),
  };
  const form = () => <NamespaceForm {...props} />;
  return reply.code(answer.status).page({
    area: 'namespaces',
    title: edit ? `Edit ${edit.name}` : 'New namespace',
    crumbs: edit
      ? [
          { label: edit.name, href: routes.namespaces.detail.href({ name: edit.name }) },
          { label: 'Edit' },
        ]
      : [{ label: 'New namespace' }],
    body: form,
    fragment: { id: NAMESPACE_FORM_ID, render: form },
  });
}
