/*
 * Type tests for form fields, htmx attributes and markup: each `@ts-expect-error` line is a
 * mistake `npm run typecheck` must refuse (an unused directive fails tsc, so they cannot erode).
 * The classes TypeScript cannot see (hyphenated attribute names, a plain string used as markup,
 * a path literal in href, a literal field name, a route registered by literal) are refused by
 * scripts/check-jsx.ts in `npm run lint` and proven in test/types/check-jsx.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { TextField } from '../../components/ui/FormField.js';
import { binder, defineForm } from '../../src/forms/contract.js';
import { noErrors } from '../../src/forms/errors.js';
import { NamespaceStatus } from '../../src/gen/prism/admin/v1/namespace_pb.js';
import { post } from '../../src/routes/register.js';
import { routes } from '../../src/routes/table.js';
import { namespaceForm, namespaceFormValues } from '../../src/views/namespaces/form.js';
import { statusInfo } from '../../src/views/namespaces/status.js';

declare const app: FastifyInstance;

// --- form fields: the component and the parser share one contract ---------------------------

const form = defineForm({
  labels: { name: 'Name', max_rps: 'Max requests per second' },
  hidden: ['request_id'],
});
const bind = binder(form, 'x', form.empty(), noErrors());
<TextField field={bind('max_rps')} />;
// @ts-expect-error a field the contract does not have (renamed on one side only)
<TextField field={bind('max_rsp')} />;
// @ts-expect-error a field name written as a string instead of taken from the contract
<TextField field={{ name: 'max_rps', label: 'x', id: 'x', value: '', error: undefined }} />;
// @ts-expect-error a label written beside the field instead of the contract's
<TextField field={bind('max_rps')} label="Max rps" />;
form.names.max_rps;
// @ts-expect-error the same for names read from the contract
form.names.maxRps;

// The handler reads the body through the same contract.
post(app, routes.namespaces.list, { body: namespaceForm.body }, async (request, reply) => {
  const rps: string = request.body.max_rps;
  // @ts-expect-error a body field the form does not post
  request.body.maxRps;
  return reply.seeOther(routes.namespaces.list.href({ q: rps }));
});
// A form's values have exactly the contract's fields.
namespaceFormValues satisfies (
  ...args: never[]
) => Record<(typeof namespaceForm.fields)[number], string>;

// --- htmx attributes: values from the closed sets htmx defines ------------------------------

<div hx-swap="outerHTML" hx-target="#namespace-results" />;
// @ts-expect-error a misspelt swap style
<div hx-swap="outerHtml" />;
<div hx-swap="innerHTML settle:0ms" />;
<div hx-swap="outerHTML swap:1s focus-scroll:false" />;
// @ts-expect-error a modifier that scrolls the swap into view (its code is not in the htmx shipped)
<div hx-swap="outerHTML show:top" />;
// @ts-expect-error the same
<div hx-swap="innerHTML scroll:bottom" />;
// @ts-expect-error a misspelt modifier
<div hx-swap="innerHTML setle:0ms" />;
// @ts-expect-error a target that is neither `this`, an id nor an extended selector
<div hx-target="namespace-results" />;
// @ts-expect-error a sync strategy htmx does not have
<form hx-sync="this:cancel" />;
<form hx-sync="this:queue last" />;
// @ts-expect-error one that aborts a request: htmx logs each abort as an error
<form hx-sync="this:replace" />;
// @ts-expect-error the same
<div hx-sync="closest form:abort" />;

// --- enums: protobuf enums take their members, not any number -------------------------------

statusInfo(NamespaceStatus.ACTIVE);
// @ts-expect-error a number that is no NamespaceStatus
statusInfo(9);
