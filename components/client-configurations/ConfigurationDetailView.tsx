import type { Url } from '../../src/html/url.js';
import type { ConfigurationDetail } from '../../src/views/client-configurations/detail.js';
import { KeyValueSection } from '../ui/KeyValueTable.js';

function Fact({ term, children, testId }: { term: string; children: JSX.Element; testId: string }) {
  return (
    <div class="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt class="text-sm font-medium text-slate-500" safe>
        {term}
      </dt>
      <dd class="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function LinkOr({ href, text }: { href: Url | undefined; text: string }): JSX.Element {
  return href ? (
    <a href={href} class="text-indigo-700 underline hover:no-underline" safe>
      {text}
    </a>
  ) : (
    <span>—</span>
  );
}

const by = (when: string, who: string) => `${when}${who ? ` by ${who}` : ''}`;

/** Everything about one client configuration: where it points, its options and provenance. */
export function ConfigurationDetailView({
  detail,
  canReadAudit,
}: {
  detail: ConfigurationDetail;
  /** Admins get a link to its audit trail. */
  canReadAudit: boolean;
}): JSX.Element {
  return (
    <div class="space-y-8" data-testid="configuration-detail">
      <p class="text-sm text-slate-700" data-testid="configuration-description" safe>
        {detail.description || 'No description.'}
      </p>
      <div class="grid gap-8 lg:grid-cols-2">
        <section aria-labelledby="placement-heading">
          <h2 id="placement-heading" class="text-base font-semibold text-slate-900">
            Where clients are sent
          </h2>
          <dl class="mt-3 divide-y divide-slate-100 rounded-lg bg-white px-4 shadow-sm ring-1 ring-slate-200">
            <Fact term="Namespace" testId="namespace">
              <LinkOr href={detail.namespaceHref} text={detail.namespace} />
            </Fact>
            <Fact term="Access pattern" testId="pattern">
              <span safe>{detail.pattern}</span>
            </Fact>
            <Fact term="Backend" testId="backend">
              <LinkOr href={detail.backendHref} text={detail.backend} />
            </Fact>
            <Fact term="Created" testId="created">
              <span safe>{by(detail.created, detail.createdBy)}</span>
            </Fact>
            <Fact term="Last updated" testId="updated">
              <span safe>{by(detail.updated, detail.updatedBy)}</span>
            </Fact>
            <Fact term="Version" testId="version">
              <span safe>{detail.version}</span>
            </Fact>
          </dl>
          <p class="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {detail.siblingsHref ? (
              <a href={detail.siblingsHref} class="text-indigo-700 underline hover:no-underline">
                Other configurations of this namespace
              </a>
            ) : (
              ''
            )}
            {canReadAudit ? (
              <a
                href={detail.auditHref}
                class="text-indigo-700 underline hover:no-underline"
                data-testid="audit-trail"
              >
                Audit trail
              </a>
            ) : (
              ''
            )}
          </p>
        </section>

        <KeyValueSection
          id="options"
          title="Options"
          entries={detail.options}
          emptyText="No options set."
          testIds={{ table: 'options', entry: 'option-entry', empty: 'options-empty' }}
        />
      </div>
    </div>
  );
}
