# syntax=docker/dockerfile:1
#
# Prism Web Console — production image (`serve` mode). Needs CONTROL_PLANE_URL at run time;
# without it the process exits with a message naming what is missing.
#
#   docker build -t prism-web-console .
#   docker run --rm -p 8000:8000 -e CONTROL_PLANE_URL=http://prism-admin:8981 prism-web-console

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: bundle the server into dist/ and the hashed CSS/htmx assets into public/assets/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
# Regenerates src/gen from proto/ (CI checks it matches what is committed), type-checks, bundles
# the server (scripts/build-server.ts: dist/src/server.js and the console.cjs it runs, with no
# demo code), then builds public/assets/ with manifest.json.
RUN npm run build

# --- runtime: production dependencies, compiled code and built assets; nothing else ----------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# No dependency needs an install script at run time; skipping them keeps the layer predictable.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
# V8's compiled code for the bundle (dist/.compile-cache), so that every container starts with
# the code its start needs instead of compiling it again (scripts/build-server.ts says why).
# Made by this image's node, with the CMD's flags and as the user the CMD runs as (Node keeps
# its own cache per user id): `--fill-compile-cache` starts the console with throwaway settings
# on loopback, keeps the code once it listens, and exits. Then it is handed to root like
# everything else: read-only to the process.
RUN install -d -o node -g node dist/.compile-cache
USER node
# With the CMD's flags: V8 keeps code only for the flags it was compiled under.
RUN node --max-old-space-size-percentage=65 --max-semi-space-size=16 dist/src/server.js \
      --fill-compile-cache >/dev/null && \
    test -n "$(find dist/.compile-cache -name 'console-*.v8')"
USER root
RUN chown -R root:root dist/.compile-cache && chmod -R a+rX,go-w dist/.compile-cache
# Files stay owned by root and read-only to the process: it writes nothing to disk, so the
# container can also run with a read-only root filesystem (deploy/ does).
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Source maps are switched on by dist/src/server.js itself, not --enable-source-maps (the
# reason is in scripts/build-server.ts).
# node is PID 1 and handles SIGTERM itself (src/server.ts: fail readiness for SHUTDOWN_GRACE_MS,
# close, exit by SHUTDOWN_TIMEOUT_MS at the latest).
# The V8 heap is sized here rather than left to V8, which sizes both generations from the memory
# Node reports: the container's limit (its cgroup), the machine's without one. The old generation
# is capped at 65 % of that. The young generation is set to 3 × 16 MiB whatever the memory:
# V8's own is 3 MiB in a 256 MiB container, where a page then costs ~1.5× the CPU (more
# scavenges), and up to 3 × 64 MiB on a large machine without a limit (~25 KB per open event
# stream at 5,000).
# Together 214 MiB of the Deployment's 256 MiB at most, the rest for buffers, code and native
# memory: without a cap V8 sizes its heap past the limit and the kernel kills the process before
# the GC pushes back. --max-old-space-size-percentage is not allowed in NODE_OPTIONS, hence here;
# figures in docs/operations.md.
CMD ["node", "--max-old-space-size-percentage=65", "--max-semi-space-size=16", "dist/src/server.js"]
