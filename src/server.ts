/**
 * Production entry (`serve` mode): configuration from the environment, listen, and shut down
 * gracefully. It never starts the demo companions (src/dev/demo.ts starts them, then this).
 */
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';

async function serve(config: Config) {
  const app = await buildApp({ config });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: failing readiness, then closing');
    app.shuttingDown = true;
    // Give the load balancer a moment to see readiness fail before the listener closes.
    if (config.shutdownGraceMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs));
    }
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ host: config.host, port: config.port });
  return app;
}

async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`prism-web-console: refusing to start.\n${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  await serve(config);
}

await main();
