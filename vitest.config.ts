import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // Browser and route tests start real servers (control plane over HTTP/2, Chromium); a shared
    // 2-core machine needs room, and forks keep each file's servers apart.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
