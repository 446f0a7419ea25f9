import type { ClientConfiguration } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import type { Url } from '../../html/url.js';
import { routes } from '../../routes/table.js';
import { formatTime } from '../format.js';
import { optionRows } from './options.js';
import { patternLabel } from './pattern.js';

export interface ConfigurationDetail {
  name: string;
  description: string;
  namespace: string;
  namespaceHref: Url | undefined;
  pattern: string;
  backend: string;
  backendHref: Url | undefined;
  options: { key: string; value: string }[];
  created: string;
  createdBy: string;
  updated: string;
  updatedBy: string;
  version: string;
  editHref: Url;
  deleteHref: Url;
  auditHref: Url;
  /** The other configurations of its namespace. */
  siblingsHref: Url | undefined;
}

export function configurationDetail(c: ClientConfiguration): ConfigurationDetail {
  return {
    name: c.name,
    description: c.description,
    namespace: c.namespace,
    namespaceHref: c.namespace ? routes.namespaces.detail.href({ name: c.namespace }) : undefined,
    pattern: patternLabel(c.pattern),
    backend: c.backend,
    backendHref: c.backend ? routes.backends.detail.href({ name: c.backend }) : undefined,
    options: optionRows(c.options),
    created: formatTime(c.createTime),
    createdBy: c.createdBy,
    updated: formatTime(c.updateTime),
    updatedBy: c.updatedBy,
    version: c.version.toString(),
    editHref: routes.clientConfigurations.edit.href({ name: c.name }),
    deleteHref: routes.clientConfigurations.delete.href({ name: c.name }),
    auditHref: routes.audit.log.href({ resource: `clientConfigurations/${c.name}` }),
    siblingsHref: c.namespace
      ? routes.clientConfigurations.list.href({ namespace: c.namespace })
      : undefined,
  };
}
