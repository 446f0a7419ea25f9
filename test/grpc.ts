import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService } from '../src/gen/prism/admin/v1/admin_service_pb.js';

/** A client of the demo control plane that bypasses the console: to arrange state and check it. */
export function directClient(url: string) {
  return createClient(AdminService, createGrpcTransport({ baseUrl: url }));
}
