import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ListNamespacesResponseSchema,
  type Namespace,
  NamespaceSchema,
  NamespaceStatus,
} from '../../../src/gen/prism/admin/v1/namespace_pb.js';
import {
  listQueryInput,
  type NamespaceListView,
  namespaceListView,
  parseListQuery,
} from '../../../src/views/namespaces/list.js';

export const GIB = 1024n ** 3n;
/** What an attacker would put in a name or description. */
export const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';
export const SCRIPT_PAYLOAD = '"><script>alert(1)</script>';

export function namespace(
  init: Omit<MessageInitShape<typeof NamespaceSchema>, '$typeName'> = {},
): Namespace {
  return create(NamespaceSchema, {
    name: 'orders-prod',
    description: 'Order lifecycle state',
    status: NamespaceStatus.ACTIVE,
    quota: { maxSessions: 100, maxStorageBytes: 10n * GIB, maxRps: 5000 },
    metrics: { activeSessions: 12, storageUsedBytes: 2n * GIB, rps: 4.5 },
    config: { retention: '7d' },
    assignedProxy: 'proxy-1',
    partition: 4,
    createTime: timestampFromDate(new Date('2026-01-02T03:04:05Z')),
    createdBy: 'alice',
    updateTime: timestampFromDate(new Date('2026-02-03T04:05:06Z')),
    updatedBy: 'bob',
    version: 3n,
    ...init,
  } as MessageInitShape<typeof NamespaceSchema>);
}

export function listView(
  query: Record<string, string>,
  namespaces: Namespace[],
  page: { next?: string; previous?: string; total?: number } = {},
): NamespaceListView {
  return namespaceListView(
    parseListQuery(listQueryInput.parse(query)).query,
    create(ListNamespacesResponseSchema, {
      namespaces,
      nextPageToken: page.next ?? '',
      previousPageToken: page.previous ?? '',
      totalSize: page.total ?? namespaces.length,
    }),
  );
}
