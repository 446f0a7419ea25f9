import { Code, ConnectError } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';
import type {
  AccessPattern,
  ClientConfiguration,
} from '../../gen/prism/admin/v1/client_configuration_pb.js';
import {
  BACKENDS_UNAVAILABLE,
  type BackendChoice,
  backendChoice,
  type Choices,
  type Listed,
  PATTERNS_UNAVAILABLE,
} from '../../views/client-configurations/choices.js';
import { isUnreachable, shortError } from '../../views/errors.js';

/** Reads one configuration; a missing one is NOT_FOUND, which the error handler makes a 404. */
export async function getConfiguration(
  request: FastifyRequest,
  name: string,
): Promise<ClientConfiguration> {
  const { clientConfiguration } = await request.server.controlPlane.getClientConfiguration(
    { name },
    request.rpc(),
  );
  if (!clientConfiguration) {
    throw new ConnectError(`client configuration ${name} not found`, Code.NotFound);
  }
  return clientConfiguration;
}

/** The configuration for a re-rendered form, if the control plane can be reached to read it. */
export async function readIfReachable(
  request: FastifyRequest,
  name: string,
): Promise<ClientConfiguration | undefined> {
  try {
    return await getConfiguration(request, name);
  } catch (err) {
    if (isUnreachable(err)) return undefined;
    throw err;
  }
}

/** Up to this many pages of a choice list (500 each): more is not a select any more. */
const MAX_PAGES = 4;

async function listAll<T>(
  page: (token: string) => Promise<{ items: T[]; next: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let token = '';
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const answer = await page(token);
    items.push(...answer.items);
    if (!answer.next) break;
    token = answer.next;
  }
  return items;
}

function failed<T>(request: FastifyRequest, what: string, why: string) {
  return (err: unknown): Listed<T> => {
    // Signed out meanwhile: the error handler sends the operator to sign in again.
    if (err instanceof ConnectError && err.code === Code.Unauthenticated) throw err;
    request.log.warn({ err }, `client configurations: listing ${what} failed`);
    const short = shortError(err);
    return { ok: false, why: `${why} (Its answer: ${short === 'failed' ? 'an error' : short}.)` };
  };
}

/** The choice lists when the control plane is known not to answer: text boxes, saying why. */
export function notListed(): Choices {
  const why = ' (It is not answering.)';
  return {
    patterns: { ok: false, why: `${PATTERNS_UNAVAILABLE}${why}` },
    backends: { ok: false, why: `${BACKENDS_UNAVAILABLE}${why}` },
  };
}

/**
 * What the pattern and backend selects offer: ListPatterns and ListBackends, together. A list
 * that cannot be read becomes a text box with the reason, never a failed page.
 */
export async function loadChoices(request: FastifyRequest): Promise<Choices> {
  const cp = request.server.controlPlane;
  const opts = request.rpc();
  const [patterns, backends] = await Promise.all([
    listAll(async (pageToken) => {
      const r = await cp.listPatterns({ pageSize: 500, pageToken }, opts);
      return { items: r.patterns.map((p) => p.pattern), next: r.nextPageToken };
    }).then(
      (items): Listed<AccessPattern> => ({ ok: true, items }),
      failed<AccessPattern>(request, 'patterns', PATTERNS_UNAVAILABLE),
    ),
    listAll(async (pageToken) => {
      const r = await cp.listBackends({ pageSize: 500, pageToken }, opts);
      return { items: r.backends.map(backendChoice), next: r.nextPageToken };
    }).then(
      (items): Listed<BackendChoice> => ({ ok: true, items }),
      failed<BackendChoice>(request, 'backends', BACKENDS_UNAVAILABLE),
    ),
  ]);
  return { patterns, backends };
}
