import { defineNotices } from '../../forms/notices.js';

/** Confirmations of the client configurations area, after a redirect. */
export const configurationNotices = defineNotices({
  created: 'Client configuration created.',
  updated: 'Changes saved.',
  deleted: 'Client configuration deleted.',
});
