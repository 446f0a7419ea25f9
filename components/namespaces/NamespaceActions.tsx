import type { Url } from '../../src/html/url.js';
import { routes } from '../../src/routes/table.js';
import type { NamespaceDetail } from '../../src/views/namespaces/detail.js';
import type { Permission, Permissions } from '../../src/views/permissions.js';
import { buttonClass } from '../ui/buttons.js';

export interface GuardedLinkProps {
  href: Url;
  label: string;
  permission: Permission;
  look: keyof typeof buttonClass;
  testId: string;
}

/**
 * A link to an action when the operator's role allows it; otherwise the same button, disabled,
 * saying which role it needs — so nobody wonders where it went or clicks into a 403.
 */
export function GuardedLink({ href, label, permission, look, testId }: GuardedLinkProps) {
  if (permission.allowed) {
    return (
      <a href={href} class={buttonClass[look]} data-testid={testId} safe>
        {label}
      </a>
    );
  }
  const hintId = `${testId}-needs`;
  return (
    <span class="inline-flex flex-col items-center gap-0.5">
      <button
        type="button"
        disabled
        aria-disabled="true"
        aria-describedby={hintId}
        title={`Needs the ${permission.needs} role`}
        class={buttonClass[look]}
        data-testid={testId}
        data-needs={permission.needs}
        safe
      >
        {label}
      </button>
      <span id={hintId} class="text-xs text-slate-500" data-testid="needs-role" safe>
        {`needs ${permission.needs}`}
      </span>
    </span>
  );
}

/** The list page's header action. */
export function NewNamespaceAction({ can }: { can: Permissions }): JSX.Element {
  return (
    <GuardedLink
      href={routes.namespaces.create.href()}
      label="New namespace"
      permission={can.createNamespace}
      look="primary"
      testId="new-namespace"
    />
  );
}

/** The detail page's header actions. */
export function NamespaceDetailActions({
  detail,
  can,
}: {
  detail: NamespaceDetail;
  can: Permissions;
}): JSX.Element {
  return (
    <>
      <GuardedLink
        href={routes.operations.drain.href({ namespace: detail.name })}
        label="Drain connections"
        permission={can.drainConnections}
        look="secondary"
        testId="drain-namespace"
      />
      <GuardedLink
        href={detail.editHref}
        label="Edit"
        permission={can.updateNamespace}
        look="secondary"
        testId="edit-namespace"
      />
      <GuardedLink
        href={detail.deleteHref}
        label="Delete"
        permission={can.deleteNamespace}
        look="danger"
        testId="delete-namespace"
      />
    </>
  );
}
