// Starts the real demo control plane and talks to it over HTTP/2 with the generated client,
// exactly as the console does.

import { type Client, Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import {
  type ControlPlaneOptions,
  type DemoControlPlane,
  startControlPlane,
} from '../../../src/dev/control-plane/index.js';
import { BadRequestSchema } from '../../../src/gen/google/rpc/error_details_pb.js';
import { AdminService } from '../../../src/gen/prism/admin/v1/admin_service_pb.js';

export type AdminClient = Client<typeof AdminService>;

export interface Harness {
  cp: DemoControlPlane;
  client: AdminClient;
  /** A client whose calls carry the x-prism-actor header. */
  as(actor: string): AdminClient;
  close(): Promise<void>;
}

export async function startHarness(options: ControlPlaneOptions = {}): Promise<Harness> {
  const cp = await startControlPlane({ simulate: false, ...options });
  const transport = createGrpcTransport({ baseUrl: cp.url });
  return {
    cp,
    client: createClient(AdminService, transport),
    as(actor) {
      return createClient(
        AdminService,
        createGrpcTransport({
          baseUrl: cp.url,
          interceptors: [
            (next) => (req) => {
              req.header.set('x-prism-actor', actor);
              return next(req);
            },
          ],
        }),
      );
    },
    close: () => cp.stop(),
  };
}

let counter = 0;
/** A fresh request id per call. */
export function rid(): string {
  counter += 1;
  return `test-${process.pid}-${Date.now()}-${counter}`;
}

/** Runs a call that must fail; returns the error as a ConnectError. */
export async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The field violations of an INVALID_ARGUMENT, as "field" strings, sorted. */
export function violatedFields(err: ConnectError): string[] {
  expectCode(err, Code.InvalidArgument);
  return err
    .findDetails(BadRequestSchema)
    .flatMap((d) => d.fieldViolations.map((v) => v.field))
    .sort();
}

export function expectCode(err: ConnectError, code: Code): void {
  if (err.code !== code) {
    throw new Error(`expected code ${Code[code]}, got ${Code[err.code]}: ${err.message}`);
  }
}

/** Collects every message of a server stream. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const message of stream) out.push(message);
  return out;
}
