/**
 * The demo control plane in a process of its own for the benchmark, as in production where
 * prism-admin runs apart from the console: its work does not share the console's event loop.
 * Prints its URL as one JSON line on stdout, then serves until SIGTERM.
 */
import { startControlPlane } from '../src/dev/control-plane/index.js';

const controlPlane = await startControlPlane({ simulate: false, host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: controlPlane.url })}\n`);
process.once('SIGTERM', () => {
  void controlPlane.stop().then(() => process.exit(0));
});
