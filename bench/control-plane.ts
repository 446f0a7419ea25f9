/**
 * The demo control plane in a process of its own for the benchmark, as in production where
 * prism-admin runs apart from the console: its work does not share the console's event loop.
 * Prints its URL as one JSON line on stdout, then serves until SIGTERM.
 */
import { startControlPlane } from '../src/dev/control-plane/index.js';

const { BENCH_ISSUER: issuer, BENCH_JWKS_URI: jwksUri } = process.env;
if (!issuer || !jwksUri) throw new Error('BENCH_ISSUER and BENCH_JWKS_URI are required');
const controlPlane = await startControlPlane({
  simulate: false,
  host: '127.0.0.1',
  port: 0,
  auth: { issuer, audience: 'prism-admin', jwks: new URL(jwksUri) },
});
process.stdout.write(`${JSON.stringify({ url: controlPlane.url })}\n`);
process.once('SIGTERM', () => {
  void controlPlane.stop().then(() => process.exit(0));
});
