import type { FastifyRequest } from 'fastify';
import { COPY_COMMAND_ID, CommandText } from '../../components/ui/CopyCommand.js';
import type { HtmlReply, Sent } from '../plugins/page.js';
import type { BufCurlOptions, CommandView } from '../views/commands.js';

/*
 * "Copy as command" in the routes. An action form's route answers its own post with just the
 * command when htmx asks for the command region (HX-Target: copy-command) — after the route's
 * role check and the CSRF check, before any control-plane call — so the command follows the
 * form as the operator types, from the same parser and request builder as the real post.
 */

/** Where and how the command reaches the control plane, and where buf finds the schema. */
export function commandOptions(request: FastifyRequest): BufCurlOptions {
  const { assets, config, controlPlaneUrl } = request.server;
  return {
    baseUrl: controlPlaneUrl,
    // Absolute: the operator's shell fetches it from this console (a public, hashed asset).
    schema: assets.adminSchema ? new URL(assets.adminSchema, config.publicUrl).href : undefined,
    serverName: config.controlPlane.tls?.serverName,
  };
}

/** The post asks only for the command (htmx, as the operator types): nothing is sent on. */
export function wantsCommand(request: FastifyRequest): boolean {
  return request.wantsFragment(COPY_COMMAND_ID);
}

export function sendCommand(reply: HtmlReply, command: CommandView): Promise<Sent> {
  return reply.fragment(() => <CommandText command={command} />);
}
