import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService } from '../src/gen/prism/admin/v1/admin_service_pb.js';

/**
 * A client of the demo control plane that bypasses the console, to arrange state and check it,
 * with an operator's access token (for example `stack.admin.accessToken`).
 */
export function directClient(url: string, accessToken: string) {
  return createClient(
    AdminService,
    createGrpcTransport({
      baseUrl: url,
      interceptors: [
        (next) => async (req) => {
          req.header.set('authorization', `Bearer ${accessToken}`);
          return next(req);
        },
      ],
    }),
  );
}
