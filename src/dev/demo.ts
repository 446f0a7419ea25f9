/**
 * `npm start`: the console with its two development companions on loopback (companions.ts),
 * then the same entry as production (server.ts), configured to use them.
 */
import { startDemoCompanions } from './companions.js';

const companions = await startDemoCompanions();
Object.assign(process.env, companions.env);
process.stderr.write(companions.banner());

await import('../server.js');
