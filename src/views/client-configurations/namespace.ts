import type { ListClientConfigurationsResponse } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import type { Permission } from '../permissions.js';
import { type ClientConfigurationRow, clientConfigurationRow } from './list.js';

/* A namespace's client configurations, for its detail page: how many, and the first few. */

export const NAMESPACE_CONFIGURATIONS_SHOWN = 5;

export interface NamespaceConfigurationsView {
  namespace: string;
  /** Undefined when they could not be read; `problem` says why. */
  total: number | undefined;
  rows: ClientConfigurationRow[];
  problem: string | undefined;
  /** The list filtered to this namespace. */
  allHref: Url;
  newHref: Url;
  create: Permission;
}

export function namespaceConfigurationsView(
  namespace: string,
  response: ListClientConfigurationsResponse,
  create: Permission,
): NamespaceConfigurationsView {
  return {
    namespace,
    total: response.totalSize,
    rows: response.clientConfigurations.map((c) => clientConfigurationRow(c)),
    problem: undefined,
    allHref: routes.clientConfigurations.list.href({ namespace }),
    newHref: routes.clientConfigurations.create.href({ namespace }),
    create,
  };
}

export function unavailableConfigurationsView(
  namespace: string,
  problem: string,
  create: Permission,
): NamespaceConfigurationsView {
  return {
    namespace,
    total: undefined,
    rows: [],
    problem,
    allHref: routes.clientConfigurations.list.href({ namespace }),
    newHref: routes.clientConfigurations.create.href({ namespace }),
    create,
  };
}
