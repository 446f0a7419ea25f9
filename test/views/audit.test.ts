import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { AuditEntrySchema, AuditOutcome } from '../../src/gen/prism/admin/v1/audit_pb.js';
import {
  csvCell,
  csvRow,
  jsonLine,
  outcomeLook,
  resourceHref,
} from '../../src/views/audit/entry.js';
import {
  auditQueryInput,
  auditRequest,
  MUTATING_OPERATIONS,
  parseUtcDateTime,
  readAuditQuery,
} from '../../src/views/audit/query.js';

const read = (query: Record<string, string>) => readAuditQuery(auditQueryInput.parse(query));

describe('audit query', () => {
  it('offers every mutating RPC of the contract, and no read', () => {
    expect(MUTATING_OPERATIONS).toContain('CreateNamespace');
    expect(MUTATING_OPERATIONS).toContain('TerminateClientSession');
    expect(MUTATING_OPERATIONS).toContain('DrainConnections');
    expect(MUTATING_OPERATIONS).not.toContain('ListNamespaces');
    expect(MUTATING_OPERATIONS).not.toContain('GetAuditLog');
  });

  it('reads from/to as UTC and sends the range; "to" includes its minute', () => {
    const { filters, problems } = read({
      from: '2026-01-02T03:04',
      to: '2026-01-02T05:06',
      outcome: 'failure',
      size: '200',
    });
    expect(problems).toEqual([]);
    const request = auditRequest(filters, filters.size, new Date());
    expect(request.startTime && timestampMs(request.startTime)).toBe(
      Date.parse('2026-01-02T03:04:00Z'),
    );
    expect(request.endTime && timestampMs(request.endTime)).toBe(
      Date.parse('2026-01-02T05:07:00Z'),
    );
    expect(request.outcome).toBe(AuditOutcome.FAILURE);
    expect(request.limit).toBe(200);
  });

  it('anchors a quick range on now', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    const request = auditRequest(read({ range: 'day' }).filters, 50, now);
    expect(request.startTime && timestampMs(request.startTime)).toBe(now.getTime() - 86_400_000);
    expect(request.endTime).toBeUndefined();
  });

  it('reports what it cannot understand', () => {
    expect(parseUtcDateTime('2026-02-31T00:00')).toBeUndefined();
    const { problems } = read({
      operation: 'DropEverything',
      range: 'week',
      from: '2026-01-01T00:00',
      size: '5000',
      before: 'a b',
    });
    expect(problems).toHaveLength(4);
    expect(read({ from: '2026-01-02T00:00', to: '2026-01-01T00:00' }).problems).toEqual([
      'The "from" time must not be after the "to" time.',
    ]);
  });
});

describe('audit entries', () => {
  it('links the resources the console has pages for, and only those', () => {
    expect(resourceHref('namespaces/orders')).toBe('/namespaces/orders');
    expect(resourceHref('clientConfigurations/c 1')).toBe('/client-configurations/c%201');
    expect(resourceHref('sessions/s-1')).toBe('/sessions/s-1');
    expect(resourceHref('operations/op-1')).toBe('/operations/op-1');
    expect(resourceHref('maintenance')).toBe('/operations/maintenance');
    expect(resourceHref('namespaces')).toBe('/namespaces');
    expect(resourceHref('widgets/x')).toBeUndefined();
    expect(resourceHref('namespaces/../admin')).toBeUndefined();
    expect(resourceHref('namespaces/..')).toBeUndefined();
    expect(resourceHref('javascript:alert(1)')).toBeUndefined();
  });

  it('shows an unknown outcome as what it is', () => {
    expect(outcomeLook(7 as AuditOutcome).label).toBe('Unknown (7)');
    expect(outcomeLook(AuditOutcome.DENIED).label).toBe('Denied');
  });

  it('writes CSV cells per RFC 4180, with formula-like text made inert', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvCell(`${start}cmd`).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });

  it('writes one line per entry in both formats', () => {
    const entry = create(AuditEntrySchema, {
      id: 'audit-1',
      time: timestampFromMs(Date.parse('2026-01-02T03:04:05.678Z')),
      actor: 'ann',
      operation: 'DeleteNamespace',
      resource: 'namespaces/x',
      outcome: AuditOutcome.FAILURE,
      errorCode: 'failed_precondition',
      errorMessage: 'stale, "version"',
      reason: '-cleanup',
      requestId: 'r-1',
    });
    expect(csvRow(entry)).toBe(
      `audit-1,2026-01-02T03:04:05.678Z,ann,DeleteNamespace,namespaces/x,,failure,failed_precondition,"stale, ""version""",'-cleanup,r-1\r\n`,
    );
    const line = jsonLine(entry);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ reason: '-cleanup', outcome: 'failure' });
    expect(
      JSON.parse(jsonLine(create(AuditEntrySchema, { outcome: 9 as AuditOutcome }))),
    ).toMatchObject({
      outcome: 'unknown(9)',
      time: '',
    });
  });
});
