import { Code, ConnectError, type UnaryRequest } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import {
  answerMayHaveArrived,
  transportFailureInterceptor,
} from '../../src/control-plane/errors.js';
import { writeFailure } from '../../src/forms/write-failure.js';
import {
  ErrorInfoSchema,
  PreconditionFailureSchema,
  RetryInfoSchema,
} from '../../src/gen/google/rpc/error_details_pb.js';
import { trustedUrl } from '../../src/html/url.js';
import { describeError } from '../../src/views/errors.js';

/** What the interceptor makes of `thrown`, for a call whose own signal is `signal`. */
async function mapped(thrown: unknown, signal = new AbortController().signal): Promise<unknown> {
  const call = transportFailureInterceptor(async () => {
    throw thrown;
  });
  try {
    await call({ signal } as UnaryRequest);
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

function nodeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('transportFailureInterceptor', () => {
  it('a reset connection (ECONNRESET) is UNAVAILABLE whose answer may have arrived', async () => {
    const err = await mapped(
      new ConnectError(
        'read ECONNRESET',
        Code.Unknown,
        undefined,
        undefined,
        nodeError('ECONNRESET'),
      ),
    );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(answerMayHaveArrived(err)).toBe(true);
  });

  it('an HTTP/2 reset, even ENHANCE_YOUR_CALM (too_many_pings), is UNAVAILABLE, not a rate limit', async () => {
    for (const [name, code] of [
      ['CANCEL (0x8)', Code.Canceled],
      ['ENHANCE_YOUR_CALM (0xb)', Code.ResourceExhausted],
      ['INTERNAL_ERROR (0x2)', Code.Internal],
    ] as const) {
      const err = await mapped(
        new ConnectError(`http/2 stream closed with error code ${name}`, code),
      );
      expect((err as ConnectError).code).toBe(Code.Unavailable);
      expect(answerMayHaveArrived(err)).toBe(true);
    }
  });

  it('REFUSED_STREAM is UNAVAILABLE, and known not to have been processed', async () => {
    const err = await mapped(
      new ConnectError(
        'Stream closed with error code NGHTTP2_REFUSED_STREAM',
        Code.Internal,
        undefined,
        undefined,
        nodeError('ERR_HTTP2_STREAM_ERROR'),
      ),
    );
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect(answerMayHaveArrived(err)).toBe(false);
  });

  it('a dead connection (PING unanswered) or an answer cut short is lost, not "unreachable"', async () => {
    for (const [message, code] of [
      ['PING timed out', Code.Unavailable],
      ['protocol error: missing status', Code.Internal],
      ['protocol error: incomplete envelope', Code.InvalidArgument],
    ] as const) {
      const err = await mapped(new ConnectError(message, code));
      expect((err as ConnectError).code).toBe(Code.Unavailable);
      expect(answerMayHaveArrived(err)).toBe(true);
    }
  });

  it('CANCELLED stays one only when the console’s own signal aborted', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const ours = await mapped(
      new ConnectError('operation was aborted', Code.Canceled),
      aborted.signal,
    );
    expect((ours as ConnectError).code).toBe(Code.Canceled);
    const theirs = await mapped(new ConnectError('cancelled by peer', Code.Canceled));
    expect((theirs as ConnectError).code).toBe(Code.Unavailable);
    expect(answerMayHaveArrived(theirs)).toBe(true);
  });

  it('leaves the control plane’s own answers and an unreachable one alone', async () => {
    const internal = new ConnectError('boom', Code.Internal);
    expect(await mapped(internal)).toBe(internal);
    const refused = new ConnectError(
      'connect ECONNREFUSED',
      Code.Unavailable,
      undefined,
      undefined,
      nodeError('ECONNREFUSED'),
    );
    expect(await mapped(refused)).toBe(refused);
    expect(answerMayHaveArrived(refused)).toBe(false);
    expect(answerMayHaveArrived(new ConnectError('late', Code.DeadlineExceeded))).toBe(true);
  });
});

describe('describeError and writeFailure with the standard details', () => {
  const rateLimited = new ConnectError(
    'quota of 10 writes a minute reached',
    Code.ResourceExhausted,
    undefined,
    [{ desc: RetryInfoSchema, value: { retryDelay: { seconds: 1n, nanos: 1 } } }],
  );

  it('RESOURCE_EXHAUSTED: 429, Retry-After rounded up, the server’s words', () => {
    expect(describeError(rateLimited)).toMatchObject({
      status: 429,
      retryAfterSeconds: 2,
      message: expect.stringContaining('quota of 10 writes a minute reached'),
    });
    expect(writeFailure(rateLimited, { violations: {} })).toMatchObject({
      status: 429,
      retryAfterSeconds: 2,
      keepRequestId: false,
      errors: { general: [expect.stringContaining('quota of 10 writes')] },
    });
  });

  it('UNIMPLEMENTED: 501, this control plane does not support it', () => {
    const err = new ConnectError('unknown method', Code.Unimplemented);
    expect(describeError(err)).toMatchObject({ status: 501 });
    expect(describeError(err).message).toMatch(/this control plane does not support/i);
    expect(writeFailure(err, { violations: {} })?.status).toBe(501);
  });

  it('UNAVAILABLE from a member that is not the leader keeps the hint', () => {
    const byReason = new ConnectError('try elsewhere', Code.Unavailable, undefined, [
      { desc: ErrorInfoSchema, value: { reason: 'NOT_LEADER', domain: 'admin.prism.dev' } },
    ]);
    const byWords = new ConnectError('node is not the leader', Code.Unavailable);
    for (const err of [byReason, byWords]) {
      expect(describeError(err).message).toMatch(/not the leader/);
      expect(writeFailure(err, { violations: {} })?.errors.general[0]).toMatch(/not the leader/);
    }
  });

  it('a lost answer: outcome unknown, same request id, the check link', () => {
    const lost = new ConnectError('gone', Code.Canceled);
    return mapped(lost).then((err) => {
      const failure = writeFailure(err, {
        violations: {},
        checkHref: trustedUrl('/namespaces/x'),
      });
      expect(failure).toMatchObject({
        status: 503,
        keepRequestId: true,
        outcomeUnknown: true,
        checkHref: '/namespaces/x',
      });
      expect(failure?.errors.general[0]).toMatch(/not known whether this change was applied/);
    });
  });

  it('FAILED_PRECONDITION is a conflict for a stale version, a plain refusal otherwise', () => {
    const precondition = (type: string) =>
      new ConnectError('refused', Code.FailedPrecondition, undefined, [
        {
          desc: PreconditionFailureSchema,
          value: { violations: [{ type, subject: 'x', description: 'y' }] },
        },
      ]);
    expect(writeFailure(precondition('VERSION'), { violations: {} })?.conflict).toBe(true);
    expect(writeFailure(precondition('SESSIONS_OPEN'), { violations: {} })?.conflict).toBe(false);
    expect(
      writeFailure(new ConnectError('stale', Code.FailedPrecondition), { violations: {} })
        ?.conflict,
    ).toBe(true);
  });
});
