// Client configurations: List, Get, Create, Update, Delete. An update replaces the whole
// configuration (there is no update mask in the contract) and needs the version it read.

import { clone, create } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import {
  AccessPattern,
  type ClientConfiguration,
  ClientConfigurationSchema,
} from '../../../gen/prism/admin/v1/client_configuration_pb.js';
import { ChangeType, ResourceKind } from '../../../gen/prism/admin/v1/watch_pb.js';
import { paginate, parsePageRequest } from '../paging.js';
import type { ControlPlaneState } from '../state.js';
import { alreadyExists, notFound, staleVersion, Violations } from '../validation.js';
import type { Handlers, ServiceDeps } from './deps.js';

export function clientConfigurationHandlers({
  state,
  mutations,
}: ServiceDeps): Handlers<
  | 'listClientConfigurations'
  | 'getClientConfiguration'
  | 'createClientConfiguration'
  | 'updateClientConfiguration'
  | 'deleteClientConfiguration'
> {
  return {
    listClientConfigurations(request) {
      const violations = new Violations();
      const order = parseOrderBy(violations, request.orderBy);
      violations.enumValue('pattern', request.pattern, AccessPattern, false);
      const needle = request.filter.trim().toLowerCase();
      const page = parsePageRequest(violations, request.pageSize, request.pageToken, {
        method: 'ListClientConfigurations',
        namespace: request.namespace,
        pattern: request.pattern,
        backend: request.backend,
        filter: needle,
        orderBy: `${order.field}${order.descending ? ' desc' : ''}`,
      });
      violations.throwIfAny();
      const matches = [...state.clientConfigurations.values()].filter(
        (c) =>
          (request.namespace === '' || c.namespace === request.namespace) &&
          (request.pattern === AccessPattern.UNSPECIFIED || c.pattern === request.pattern) &&
          (request.backend === '' || c.backend === request.backend) &&
          (needle === '' ||
            c.name.toLowerCase().includes(needle) ||
            c.description.toLowerCase().includes(needle)),
      );
      matches.sort(compareConfigurations(order));
      const result = paginate(matches, page);
      return {
        clientConfigurations: result.items.map((c) => clone(ClientConfigurationSchema, c)),
        nextPageToken: result.nextPageToken,
        previousPageToken: result.previousPageToken,
        totalSize: result.totalSize,
      };
    },

    getClientConfiguration(request) {
      const config = state.clientConfigurations.get(request.name);
      if (!config) throw notFound(`client configuration ${request.name}`);
      return { clientConfiguration: clone(ClientConfigurationSchema, config) };
    },

    createClientConfiguration(request, context) {
      const input = request.clientConfiguration;
      const name = input?.name ?? '';
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `clientConfigurations/${name}`,
        namespace: input?.namespace ?? '',
        validate(violations) {
          if (!input) violations.add('client_configuration', 'is required');
          else validateConfiguration(state, violations, input, true);
        },
        apply(actor) {
          if (!input) throw notFound('client configuration');
          if (state.clientConfigurations.has(name)) {
            throw alreadyExists(`client configuration ${name}`);
          }
          const now = state.timestamp();
          const config = create(ClientConfigurationSchema, {
            name,
            namespace: input.namespace,
            pattern: input.pattern,
            backend: input.backend,
            options: { ...input.options },
            description: input.description,
            createTime: now,
            createdBy: actor,
            updateTime: now,
            updatedBy: actor,
            version: 1n,
          });
          state.clientConfigurations.set(name, config);
          state.commitRaft();
          state.emit(ResourceKind.CLIENT_CONFIGURATION, name, ChangeType.CREATED, config.namespace);
          return { clientConfiguration: clone(ClientConfigurationSchema, config) };
        },
      });
    },

    updateClientConfiguration(request, context) {
      const input = request.clientConfiguration;
      const name = input?.name ?? '';
      const existing = state.clientConfigurations.get(name);
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `clientConfigurations/${name}`,
        namespace: existing?.namespace ?? input?.namespace ?? '',
        validate(violations) {
          if (!input) violations.add('client_configuration', 'is required');
          else if (name === '') violations.add('client_configuration.name', 'is required');
          else validateConfiguration(state, violations, input, false);
        },
        apply(actor) {
          const current = state.clientConfigurations.get(name);
          if (!input || !current) throw notFound(`client configuration ${name}`);
          if (input.version !== current.version) {
            throw staleVersion(`client configuration ${name}`, current.version, input.version);
          }
          if (input.namespace !== '' && input.namespace !== current.namespace) {
            const violations = new Violations();
            violations.add(
              'client_configuration.namespace',
              `cannot be changed (it is ${current.namespace}); create a new configuration instead`,
            );
            violations.throwIfAny();
          }
          current.pattern = input.pattern;
          current.backend = input.backend;
          current.options = { ...input.options };
          current.description = input.description;
          current.version += 1n;
          current.updateTime = state.timestamp();
          current.updatedBy = actor;
          state.commitRaft();
          state.emit(
            ResourceKind.CLIENT_CONFIGURATION,
            name,
            ChangeType.UPDATED,
            current.namespace,
          );
          return { clientConfiguration: clone(ClientConfigurationSchema, current) };
        },
      });
    },

    deleteClientConfiguration(request, context) {
      const name = request.name;
      return mutations.run(context, {
        requestId: request.requestId,
        reason: request.reason,
        resource: `clientConfigurations/${name}`,
        namespace: state.clientConfigurations.get(name)?.namespace ?? '',
        validate(violations) {
          if (name === '') violations.add('name', 'is required');
          violations.notNegative('version', request.version);
        },
        apply() {
          const current = state.clientConfigurations.get(name);
          if (!current) throw notFound(`client configuration ${name}`);
          if (request.version !== 0n && request.version !== current.version) {
            throw staleVersion(`client configuration ${name}`, current.version, request.version);
          }
          state.clientConfigurations.delete(name);
          state.commitRaft();
          state.emit(
            ResourceKind.CLIENT_CONFIGURATION,
            name,
            ChangeType.DELETED,
            current.namespace,
          );
          return {};
        },
      });
    },
  };
}

const ORDER_FIELDS = ['name', 'namespace', 'pattern', 'backend', 'update_time'] as const;
type OrderField = (typeof ORDER_FIELDS)[number];
interface Order {
  field: OrderField;
  descending: boolean;
}

/** order_by: a field and an optional " desc"; empty is "name". */
function parseOrderBy(violations: Violations, orderBy: string): Order {
  const [field, direction, ...rest] = orderBy.trim().split(/\s+/).filter(Boolean);
  if (field === undefined) return { field: 'name', descending: false };
  const known = ORDER_FIELDS.find((f) => f === field);
  if (!known || (direction !== undefined && direction !== 'desc') || rest.length > 0) {
    violations.add(
      'order_by',
      `must be one of ${ORDER_FIELDS.join(', ')}, optionally followed by " desc"`,
    );
    return { field: 'name', descending: false };
  }
  return { field: known, descending: direction === 'desc' };
}

function compareConfigurations(order: Order) {
  const key = (c: ClientConfiguration): number | string => {
    switch (order.field) {
      case 'name':
        return c.name;
      case 'namespace':
        return c.namespace;
      case 'pattern':
        return c.pattern;
      case 'backend':
        return c.backend;
      case 'update_time':
        return c.updateTime ? timestampMs(c.updateTime) : 0;
    }
  };
  const sign = order.descending ? -1 : 1;
  return (a: ClientConfiguration, b: ClientConfiguration): number => {
    const ka = key(a);
    const kb = key(b);
    const primary = ka < kb ? -1 : ka > kb ? 1 : 0;
    // Ties are broken by name, always ascending, so pages are stable.
    return primary !== 0 ? primary * sign : a.name.localeCompare(b.name);
  };
}

function validateConfiguration(
  state: ControlPlaneState,
  violations: Violations,
  input: ClientConfiguration,
  creating: boolean,
): void {
  const field = (name: string) => `client_configuration.${name}`;
  violations.name(field('name'), input.name, 'client configuration');
  // The namespace and backend are form fields, so an unknown one is reported beside the field.
  if (input.namespace === '') {
    if (creating) violations.add(field('namespace'), 'is required');
  } else if (!state.namespaces.has(input.namespace)) {
    violations.add(field('namespace'), `namespace ${input.namespace} does not exist`);
  }
  violations.enumValue(field('pattern'), input.pattern, AccessPattern, true);
  if (input.backend === '') violations.add(field('backend'), 'is required');
  else if (!state.backends.has(input.backend)) {
    violations.add(field('backend'), `backend ${input.backend} does not exist`);
  }
  violations.stringMap(field('options'), input.options);
  violations.description(field('description'), input.description);
}
