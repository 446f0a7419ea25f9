import type { FastifyInstance } from 'fastify';
import { csvHeader, csvRow, jsonLine } from '../../views/audit/entry.js';
import {
  auditQueryInput,
  auditRequest,
  MAX_EXPORT_ENTRIES,
  readAuditQuery,
} from '../../views/audit/query.js';
import { AUDIT_LOG_ROLE } from '../../views/permissions.js';
import { get } from '../register.js';
import { routes } from '../table.js';
import { auditFailure, type OpenedAuditLog, openAuditLog } from './results.js';

const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', header: csvHeader, line: csvRow },
  jsonl: { type: 'application/x-ndjson; charset=utf-8', header: () => '', line: jsonLine },
} as const;
type Format = keyof typeof FORMATS;

/**
 * The lines of the export, pulled as the download is read: one batch of the control plane's
 * stream at a time, so neither the log nor the file is ever held whole in the console, and a
 * slow download stops the console reading the stream. A failure part-way throws: the download
 * ends abruptly (the browser marks it failed) rather than passing for a complete file.
 */
async function* lines(format: Format, { first, rest }: OpenedAuditLog): AsyncGenerator<string> {
  const { header, line } = FORMATS[format];
  const head = header();
  if (head) yield head;
  try {
    for (let next = first; !next.done; next = await rest.next()) {
      if (next.value.entries.length > 0) yield next.value.entries.map(line).join('');
    }
  } finally {
    // The download ended early (the browser went away): close the control plane's stream.
    await rest.return?.();
  }
}

/** GET /audit/export?format=csv|jsonl and the page's filters: up to 10,000 entries as a file. */
export default async function auditExportRoutes(app: FastifyInstance) {
  get(
    app,
    routes.audit.export,
    {
      preHandler: app.requireRole(AUDIT_LOG_ROLE, 'the audit log export'),
      query: auditQueryInput,
      // A HEAD would open a stream of up to 10,000 entries to send none of them.
      exposeHeadRoute: false,
    },
    async function exportAuditLog(request, reply) {
      const { filters, problems } = readAuditQuery(request.query);
      const format = request.query.format;
      if (format !== 'csv' && format !== 'jsonl') {
        problems.push('Choose the format of the export: csv or jsonl.');
      }
      if (problems.length > 0 || (format !== 'csv' && format !== 'jsonl')) {
        return reply.errorPage({
          status: 400,
          title: 'This export cannot be made',
          message: problems.join(' '),
          serverFault: false,
        });
      }
      const now = new Date();
      // No deadline (a long download is not a slow answer); cancelled when the response closes.
      const stream = app.controlPlane.getAuditLog(
        auditRequest(filters, MAX_EXPORT_ENTRIES, now),
        request.rpcStream(),
      );
      let opened: OpenedAuditLog;
      try {
        // The first batch decides between a file and an error page (refused, unreachable, a
        // bad cursor, no answer in time): nothing is sent before the control plane has answered.
        opened = await openAuditLog(stream, app.config.controlPlane.timeoutMs);
      } catch (err) {
        return reply.errorPage(auditFailure(err, filters));
      }
      const stamp = now.toISOString().slice(0, 19).replaceAll(':', '').replace('T', '-');
      return reply.attachment({
        name: `audit-log-${stamp}.${format}`,
        type: FORMATS[format].type,
        body: lines(format, opened),
      });
    },
  );
}
