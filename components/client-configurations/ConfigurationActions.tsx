import { routes } from '../../src/routes/table.js';
import type { ConfigurationDetail } from '../../src/views/client-configurations/detail.js';
import type { Permissions } from '../../src/views/permissions.js';
import { GuardedLink } from '../namespaces/NamespaceActions.js';

/** The list page's header action. */
export function NewConfigurationAction({
  can,
  namespace,
}: {
  can: Permissions;
  /** The list's namespace filter: the new configuration starts in it. */
  namespace?: string | undefined;
}): JSX.Element {
  return (
    <GuardedLink
      href={routes.clientConfigurations.create.href({ namespace })}
      label="New configuration"
      permission={can.createClientConfiguration}
      look="primary"
      testId="new-configuration"
    />
  );
}

/** The detail page's header actions. */
export function ConfigurationDetailActions({
  detail,
  can,
}: {
  detail: ConfigurationDetail;
  can: Permissions;
}): JSX.Element {
  return (
    <>
      <GuardedLink
        href={detail.editHref}
        label="Edit"
        permission={can.updateClientConfiguration}
        look="secondary"
        testId="edit-configuration"
      />
      <GuardedLink
        href={detail.deleteHref}
        label="Delete"
        permission={can.deleteClientConfiguration}
        look="danger"
        testId="delete-configuration"
      />
    </>
  );
}
