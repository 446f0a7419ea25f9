/**
 * Production entry from source (`tsx src/server.ts`): serve mode, src/serve.ts. The built image
 * starts dist/src/server.js instead (scripts/build-server.ts), which runs the same main().
 */
import { main } from './serve.js';

await main();
