import { defineNotices } from '../../forms/notices.js';

/** Confirmations of the namespaces area, after a redirect. */
export const namespaceNotices = defineNotices({
  created: 'Namespace created.',
  updated: 'Changes saved.',
  deleted: 'Namespace deleted.',
});
