// Client configurations: list (namespace, pattern, backend, filter, order, pages), get, create,
// update (the version read, FAILED_PRECONDITION when stale), delete; field problems as a
// BadRequest with grpc-go style paths ("client_configuration.options[\"pool\"]").

import * as grpc from '@grpc/grpc-js';
import type { ClientConfigurationObject } from '../state.js';
import {
  invalid,
  type Message,
  notFound,
  paginate,
  parsePage,
  refuse,
  staleVersion,
  timestamp,
} from '../wire.js';
import type { Deps, Handlers } from './types.js';

const TYPE = 'prism.admin.v1.ClientConfiguration';
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const PATTERNS = [
  'ACCESS_PATTERN_KEYVALUE',
  'ACCESS_PATTERN_PUBSUB',
  'ACCESS_PATTERN_QUEUE',
  'ACCESS_PATTERN_TIMESERIES',
  'ACCESS_PATTERN_GRAPH',
  'ACCESS_PATTERN_OBJECT_STORE',
];
const ORDER_FIELDS = ['name', 'namespace', 'pattern', 'backend', 'update_time'] as const;
type Violation = { field: string; description: string };

export function clientConfigurationHandlers({ world, mutations }: Deps): Handlers {
  const configurations = world.clientConfigurations;
  const configurationOf = (name: string) =>
    configurations.get(name) ?? notFound(TYPE, name, `client configuration ${name}`);

  function validate(input: Message, creating: boolean): Violation[] {
    const violations: Violation[] = [];
    const field = (name: string) => `client_configuration.${name}`;
    const name = String(input.name ?? '');
    if (name === '') violations.push({ field: field('name'), description: 'is required' });
    else if (!NAME.test(name)) {
      violations.push({
        field: field('name'),
        description: 'must be lower-case letters, digits and dashes, starting with a letter',
      });
    }
    const namespace = String(input.namespace ?? '');
    if (namespace === '') {
      if (creating) violations.push({ field: field('namespace'), description: 'is required' });
    } else if (!world.namespaces.has(namespace)) {
      violations.push({
        field: field('namespace'),
        description: `namespace ${namespace} does not exist`,
      });
    }
    if (!PATTERNS.includes(String(input.pattern))) {
      violations.push({ field: field('pattern'), description: 'must be a known access pattern' });
    }
    const backend = String(input.backend ?? '');
    if (backend === '') violations.push({ field: field('backend'), description: 'is required' });
    else if (!world.backends.has(backend)) {
      violations.push({
        field: field('backend'),
        description: `backend ${backend} does not exist`,
      });
    }
    for (const [key, value] of Object.entries((input.options ?? {}) as Record<string, string>)) {
      if (!/^[a-z][a-z0-9_.-]{0,62}$/.test(key)) {
        violations.push({
          field: `${field('options')}["${key}"]`,
          description: 'is not a valid key',
        });
      } else if (value.length > 1024) {
        violations.push({
          field: `${field('options')}["${key}"]`,
          description: 'must be at most 1024 characters',
        });
      }
    }
    if (String(input.description ?? '').length > 1024) {
      violations.push({
        field: field('description'),
        description: 'must be at most 1024 characters',
      });
    }
    return violations;
  }

  return {
    unary: {
      ListClientConfigurations(request) {
        const orderBy = String(request.orderBy ?? '').trim() || 'name';
        const [key = '', direction, ...rest] = orderBy.split(/\s+/);
        if (
          !(ORDER_FIELDS as readonly string[]).includes(key) ||
          (direction !== undefined && direction !== 'desc') ||
          rest.length > 0
        ) {
          invalid([{ field: 'order_by', description: `cannot order by "${orderBy}"` }]);
        }
        const pattern = String(request.pattern ?? 'ACCESS_PATTERN_UNSPECIFIED');
        const filter = String(request.filter ?? '').toLowerCase();
        const query = JSON.stringify([
          request.namespace,
          pattern,
          request.backend,
          filter,
          orderBy,
        ]);
        const page = parsePage(request, query, { defaultSize: 50, maxSize: 500 });
        const sortKey = (c: ClientConfigurationObject): string =>
          key === 'update_time'
            ? String(c.updateTime && (c.updateTime as Message).seconds).padStart(20, '0')
            : String(c[key === 'name' ? 'name' : key] ?? '');
        const matches = [...configurations.values()]
          .filter(
            (c) =>
              (request.namespace === '' || c.namespace === request.namespace) &&
              (pattern === 'ACCESS_PATTERN_UNSPECIFIED' || c.pattern === pattern) &&
              (request.backend === '' || c.backend === request.backend) &&
              (filter === '' ||
                c.name.toLowerCase().includes(filter) ||
                c.description.toLowerCase().includes(filter)),
          )
          .sort(
            (a, b) =>
              (direction === 'desc' ? -1 : 1) * sortKey(a).localeCompare(sortKey(b)) ||
              a.name.localeCompare(b.name),
          );
        const result = paginate(matches, page, query);
        return {
          clientConfigurations: result.items,
          nextPageToken: result.nextPageToken,
          previousPageToken: result.previousPageToken,
          totalSize: result.totalSize,
        };
      },
      GetClientConfiguration: (request) => ({
        clientConfiguration: configurationOf(String(request.name)),
      }),
      CreateClientConfiguration(request, context) {
        const input = (request.clientConfiguration ?? {}) as Message;
        const name = String(input.name ?? '');
        return mutations.run(request, context, {
          resource: `clientConfigurations/${name}`,
          namespace: String(input.namespace ?? ''),
          validate: () => validate(input, true),
          announces: {
            kind: 'RESOURCE_KIND_CLIENT_CONFIGURATION',
            id: name,
            change: 'CHANGE_TYPE_CREATED',
          },
          act() {
            if (configurations.has(name)) {
              refuse(grpc.status.ALREADY_EXISTS, `client configuration ${name} already exists`, [
                { type: 'ResourceInfo', value: { resource_type: TYPE, resource_name: name } },
              ]);
            }
            const configuration: ClientConfigurationObject = {
              name,
              namespace: String(input.namespace),
              pattern: String(input.pattern),
              backend: String(input.backend),
              options: { ...((input.options ?? {}) as Record<string, string>) },
              description: String(input.description ?? ''),
              createTime: timestamp(),
              createdBy: context.actor,
              updateTime: timestamp(),
              updatedBy: context.actor,
              version: '1',
            };
            configurations.set(name, configuration);
            return { clientConfiguration: configuration };
          },
        });
      },
      UpdateClientConfiguration(request, context) {
        const input = (request.clientConfiguration ?? {}) as Message;
        const name = String(input.name ?? '');
        return mutations.run(request, context, {
          resource: `clientConfigurations/${name}`,
          namespace: configurations.get(name)?.namespace ?? String(input.namespace ?? ''),
          validate: () => validate(input, false),
          announces: {
            kind: 'RESOURCE_KIND_CLIENT_CONFIGURATION',
            id: name,
            change: 'CHANGE_TYPE_UPDATED',
          },
          act() {
            const current = configurationOf(name);
            if (String(input.version) !== current.version) {
              staleVersion(
                `${TYPE}/${name}`,
                `client configuration ${name}`,
                current.version,
                String(input.version),
              );
            }
            if (input.namespace !== '' && input.namespace !== current.namespace) {
              invalid([
                {
                  field: 'client_configuration.namespace',
                  description: `cannot be changed (it is ${current.namespace})`,
                },
              ]);
            }
            const updated: ClientConfigurationObject = {
              ...current,
              pattern: String(input.pattern),
              backend: String(input.backend),
              options: { ...((input.options ?? {}) as Record<string, string>) },
              description: String(input.description ?? ''),
              updateTime: timestamp(),
              updatedBy: context.actor,
              version: String(BigInt(current.version) + 1n),
            };
            configurations.set(name, updated);
            return { clientConfiguration: updated };
          },
        });
      },
      DeleteClientConfiguration(request, context) {
        const name = String(request.name ?? '');
        return mutations.run(request, context, {
          resource: `clientConfigurations/${name}`,
          namespace: configurations.get(name)?.namespace ?? '',
          announces: {
            kind: 'RESOURCE_KIND_CLIENT_CONFIGURATION',
            id: name,
            change: 'CHANGE_TYPE_DELETED',
          },
          act() {
            const current = configurationOf(name);
            const version = String(request.version ?? '0');
            if (version !== '0' && version !== current.version) {
              staleVersion(
                `${TYPE}/${name}`,
                `client configuration ${name}`,
                current.version,
                version,
              );
            }
            configurations.delete(name);
            return {};
          },
        });
      },
    },
  };
}
