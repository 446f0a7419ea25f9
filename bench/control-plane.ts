/**
 * The demo control plane in a process of its own for the benchmark, as in production where
 * prism-admin runs apart from the console: its work does not share the console's event loop.
 * Prints its URL as one JSON line on stdout, then serves until SIGTERM.
 *
 * Over the IPC channel (when started with one, see support.ts) the bench can:
 * - `simulate { on }`: run the traffic simulator (live data changing every second) or pause it,
 * - `tick`: one step of the simulator by hand (one change to fan out),
 * - `calls`: how many calls it has served per method, counted as each HTTP/2 stream starts
 *   (node's diagnostics channel: nothing is added to the call path being measured).
 */
import { subscribe } from 'node:diagnostics_channel';
import { DrainManager } from '../src/dev/control-plane/drain.js';
import { startControlPlane } from '../src/dev/control-plane/index.js';
import { Random } from '../src/dev/control-plane/random.js';
import { Simulator } from '../src/dev/control-plane/simulator.js';
import { serveRequests } from './proc.js';

const { BENCH_ISSUER: issuer, BENCH_JWKS_URI: jwksUri } = process.env;
if (!issuer || !jwksUri) throw new Error('BENCH_ISSUER and BENCH_JWKS_URI are required');

const calls = new Map<string, number>();
subscribe('http2.server.stream.start', (message) => {
  const path = (message as { headers?: Record<string, unknown> }).headers?.[':path'];
  if (typeof path !== 'string') return;
  const method = path.slice(path.lastIndexOf('/') + 1);
  calls.set(method, (calls.get(method) ?? 0) + 1);
});

const controlPlane = await startControlPlane({
  simulate: false,
  host: '127.0.0.1',
  port: 0,
  auth: { issuer, audience: 'prism-admin', jwks: new URL(jwksUri) },
});
// The demo's own simulator is off so the bench can pause it; this one moves the same state the
// same way. Its drain manager only answers "is this namespace draining?" (never, in the bench).
const simulator = new Simulator(
  controlPlane.state,
  new DrainManager(controlPlane.state, new Random(43)),
  {
    tickMs: 1000,
    seed: 42,
  },
);

serveRequests({
  simulate: ({ on }) => {
    if (on) simulator.start();
    else simulator.stop();
    return simulator.running;
  },
  tick: () => simulator.tick(),
  calls: () => Object.fromEntries(calls),
});

process.stdout.write(`${JSON.stringify({ url: controlPlane.url })}\n`);
process.once('SIGTERM', () => {
  simulator.stop();
  void controlPlane.stop().then(() => process.exit(0));
});
