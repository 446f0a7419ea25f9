/**
 * `npm start` / `npm run dev`: the console with its development companion, the demo control
 * plane (in-memory AdminService with a traffic simulator), on loopback. Then the same entry as
 * production (server.ts) runs, configured to use it.
 */
import { startControlPlane } from './control-plane/index.js';

const controlPlanePort = Number(process.env.DEMO_CONTROL_PLANE_PORT ?? 8981);
const controlPlane = await startControlPlane({ host: '127.0.0.1', port: controlPlanePort });

process.env.CONTROL_PLANE_URL = controlPlane.url;
process.env.HOST ??= '127.0.0.1';
process.env.PORT ??= '8000';

process.stderr.write(
  [
    '',
    'Prism Web Console — demo',
    `  console:        http://${process.env.HOST}:${process.env.PORT}`,
    `  control plane:  ${controlPlane.url} (demo, in memory, simulated traffic)`,
    '',
    '',
  ].join('\n'),
);

await import('../server.js');
