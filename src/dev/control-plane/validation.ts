// Request validation. Every problem with a request is collected first and reported at once as
// INVALID_ARGUMENT with a BadRequest detail (one FieldViolation per field), so a form can show
// each message beside its field instead of one error at a time. The other refusals carry the
// standard details a grpc-go server attaches (google.rpc.*): ResourceInfo on NOT_FOUND,
// PreconditionFailure and ErrorInfo on a stale version.

import { Code, ConnectError } from '@connectrpc/connect';
import {
  BadRequestSchema,
  ErrorInfoSchema,
  PreconditionFailureSchema,
  ResourceInfoSchema,
} from '../../gen/google/rpc/error_details_pb.js';

/** The ErrorInfo domain of this control plane's reasons. */
export const ERROR_DOMAIN = 'admin.prism.dev';

/** DNS-label style names: 3 to 63 characters, lower case letters, digits and '-'. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
export const NAME_RULE =
  "must be 3 to 63 characters of lower-case letters, digits and '-', start with a letter and not end with '-'";
export const MAX_DESCRIPTION_LENGTH = 256;
export const MAX_REASON_LENGTH = 1024;
export const MAX_MAP_KEY_LENGTH = 128;
export const MAX_MAP_VALUE_LENGTH = 4096;

export interface FieldProblem {
  readonly field: string;
  readonly description: string;
}

export class Violations {
  readonly problems: FieldProblem[] = [];

  add(field: string, description: string): void {
    this.problems.push({ field, description });
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws INVALID_ARGUMENT listing every problem, if there is any. */
  throwIfAny(): void {
    if (!this.isEmpty) throw invalidArgument(this.problems);
  }

  // --- common rules ---

  name(field: string, value: string, what: string): void {
    if (value === '') this.add(field, `${what} name is required`);
    else if (!NAME_PATTERN.test(value)) this.add(field, `${what} name ${NAME_RULE}`);
  }

  description(field: string, value: string): void {
    // Any text is allowed (HTML included): the console escapes what it shows.
    if ([...value].length > MAX_DESCRIPTION_LENGTH) {
      this.add(field, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
    }
  }

  notNegative(field: string, value: number | bigint): void {
    if (value < 0) this.add(field, 'must not be negative (0 means unlimited)');
  }

  stringMap(field: string, map: Record<string, string>): void {
    for (const [key, value] of Object.entries(map)) {
      if (key.trim() === '') this.add(field, 'keys must not be empty');
      else if (key.length > MAX_MAP_KEY_LENGTH) {
        this.add(`${field}[${key}]`, `key must be at most ${MAX_MAP_KEY_LENGTH} characters`);
      } else if (value.length > MAX_MAP_VALUE_LENGTH) {
        this.add(`${field}[${key}]`, `value must be at most ${MAX_MAP_VALUE_LENGTH} characters`);
      }
    }
  }

  /** A proto3 enum field must hold one of its defined, non-zero values. */
  enumValue(
    field: string,
    value: number,
    values: Record<string, string | number>,
    required: boolean,
  ): void {
    if (value === 0) {
      if (required) this.add(field, 'is required');
    } else if (typeof values[value] !== 'string') {
      this.add(field, `unknown value ${value}`);
    }
  }

  /** request_id and reason, which every mutation carries. */
  mutation(requestId: string, reason: string): void {
    if (requestId.trim() === '') {
      this.add('request_id', 'is required: a unique id per change, reused only for retries');
    } else if (requestId.length > 128) {
      this.add('request_id', 'must be at most 128 characters');
    }
    if (reason.trim() === '') this.add('reason', 'is required: say why you make this change');
    else if (reason.length > MAX_REASON_LENGTH) {
      this.add('reason', `must be at most ${MAX_REASON_LENGTH} characters`);
    }
  }
}

export function invalidArgument(problems: readonly FieldProblem[]): ConnectError {
  const summary = problems.map((p) => `${p.field}: ${p.description}`).join('; ');
  return new ConnectError(`invalid request: ${summary}`, Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: { fieldViolations: problems.map((p) => ({ ...p })) },
    },
  ]);
}

export function invalidField(field: string, description: string): ConnectError {
  return invalidArgument([{ field, description }]);
}

const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  namespace: 'prism.admin.v1.Namespace',
  'client session': 'prism.admin.v1.ClientSession',
  'client configuration': 'prism.admin.v1.ClientConfiguration',
  backend: 'prism.admin.v1.Backend',
};

/** "client configuration orders-api" → its resource type and name, for ResourceInfo. */
function resourceOf(what: string): { resourceType: string; resourceName: string } {
  for (const [kind, resourceType] of Object.entries(RESOURCE_TYPES)) {
    if (what === kind) return { resourceType, resourceName: '' };
    if (what.startsWith(`${kind} `)) {
      return { resourceType, resourceName: what.slice(kind.length + 1) };
    }
  }
  return { resourceType: what, resourceName: '' };
}

export function notFound(what: string): ConnectError {
  return new ConnectError(`${what} not found`, Code.NotFound, undefined, [
    { desc: ResourceInfoSchema, value: { ...resourceOf(what), description: 'does not exist' } },
  ]);
}

export function alreadyExists(what: string): ConnectError {
  return new ConnectError(`${what} already exists`, Code.AlreadyExists);
}

export function failedPrecondition(message: string): ConnectError {
  return new ConnectError(message, Code.FailedPrecondition);
}

/** The FAILED_PRECONDITION of optimistic concurrency; says which version is current. */
export function staleVersion(what: string, current: bigint, sent: bigint): ConnectError {
  const { resourceType, resourceName } = resourceOf(what);
  return new ConnectError(
    `${what} is at version ${current}, not ${sent}: it changed since you read it; read it again and retry`,
    Code.FailedPrecondition,
    undefined,
    [
      {
        desc: PreconditionFailureSchema,
        value: {
          violations: [
            {
              type: 'VERSION',
              subject: `${resourceType}/${resourceName}`,
              description: `is at version ${current}, not ${sent}`,
            },
          ],
        },
      },
      {
        desc: ErrorInfoSchema,
        value: {
          reason: 'STALE_VERSION',
          domain: ERROR_DOMAIN,
          metadata: { currentVersion: String(current), sentVersion: String(sent) },
        },
      },
    ],
  );
}

/** "InvalidArgument" → "invalid_argument", the Connect code name stored in audit entries. */
export function codeName(code: Code): string {
  return (Code[code] ?? 'unknown').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
