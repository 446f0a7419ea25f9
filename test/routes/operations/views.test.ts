// The operation's view and live region for what a newer or odd control plane may send: an
// unknown state, counts that do not add up or overflow, no details at all.

import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { OperationLive } from '../../../components/operations/OperationLive.js';
import { OperationsTable } from '../../../components/operations/OperationsTable.js';
import { OperationSchema, OperationState } from '../../../src/gen/prism/admin/v1/operations_pb.js';
import { formatDeadline, operationView } from '../../../src/views/operations/operation.js';
import { parse, textOf } from '../../components/namespaces/html.js';

const now = new Date('2026-12-02T10:00:00Z');

function drain(
  state: number,
  counts: Partial<Record<'total' | 'drained' | 'remaining' | 'forced', number>>,
) {
  return create(OperationSchema, {
    id: 'op-1234abcd',
    state: state as OperationState,
    startedBy: 'ivy',
    startTime: timestampFromMs(now.getTime() - 60_000),
    deadlineTime: timestampFromMs(now.getTime() + 60_000),
    details: {
      case: 'drain',
      value: {
        target: { case: 'namespace', value: 'orders-prod' },
        deadline: durationFromMs(120_000),
        ...counts,
      },
    },
  });
}

describe('operationView', () => {
  it('shows a state it does not know as such; done is what the control plane says', () => {
    const running = operationView(drain(9, { total: 3 }), now);
    expect(running.state.label).toBe('Unknown (9)');
    expect(running.done).toBe(false);
    expect(String(OperationLive({ view: running, mayCancel: true }))).toContain('sse-connect');
    const finished = operationView({ ...drain(9, { total: 3 }), done: true }, now);
    expect(finished.done).toBe(true);
    const html = String(OperationLive({ view: finished, mayCancel: true }));
    expect(html).not.toContain('sse-connect');
    expect(textOf(parse(html).body)).toContain('Unknown (9)');
  });

  it('keeps the progress sane with counts that do not add up or are extreme', () => {
    const over = operationView(
      drain(OperationState.RUNNING, { total: 2, drained: 2_147_483_647, remaining: -5, forced: 3 }),
      now,
    );
    expect(over.progress?.percent).toBe(100);
    expect(over.progress?.remaining).toBe(0);
    expect(over.progress?.text).toContain('2,147,483,647 drained');
    const none = operationView(drain(OperationState.RUNNING, {}), now);
    expect(none.progress?.percent).toBe(0);
    const html = String(OperationLive({ view: none, mayCancel: false }));
    expect(parse(html).querySelector('progress')?.getAttribute('max')).toBe('1');
    expect(html).toContain('sse-connect="/operations/op-1234abcd/events"');
  });

  it('an operation without details: no progress, no target, still listed', () => {
    const bare = create(OperationSchema, {
      id: 'op-x',
      state: OperationState.SUCCEEDED,
      done: true,
    });
    const view = operationView(bare, now);
    expect(view.progress).toBeUndefined();
    expect(view.target).toBe('—');
    const row = parse(String(OperationsTable({ views: [view] })));
    expect(textOf(row.querySelector('[data-testid="operation-row"]'))).toContain('Succeeded');
  });

  it('writes deadlines short', () => {
    expect(formatDeadline(durationFromMs(30_000))).toBe('30s');
    expect(formatDeadline(durationFromMs(5 * 60_000))).toBe('5m');
    expect(formatDeadline(durationFromMs(3_630_000))).toBe('1h 30s');
    expect(formatDeadline(undefined)).toBe('—');
  });
});
