# syntax=docker/dockerfile:1
# MyTelevision API image: deps -> build -> runtime. Node 24 (the project's runtime, versions.env NODE_VERSION),
# pinned to an exact release. Debian slim rather than Alpine: the native modules the API uses
# (@node-rs/argon2, protobufjs' optional bits) ship glibc builds first.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# 1. All dependencies (dev included, for the TypeScript build), from the lockfile only.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# 2. Compile src/ to dist/ (tsc + tsc-alias), then drop dev dependencies.
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev && npm cache clean --force

# 3. Runtime: production node_modules and dist/ only, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
# Without DATABASE_URL the embedded database stays in memory: /app is not writable by `node`
# (mount a volume and set PGLITE_DATA_DIR to keep it).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PGLITE_DATA_DIR=memory
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
USER node
EXPOSE 3000
# node is the only tool needed: fetch() the liveness probe, exit 1 on any failure or non-2xx.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch((process.env.TLS_CERT_FILE?'https':'http')+'://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The preload starts OpenTelemetry before any application module loads (SPEC decision 2).
CMD ["node", "--require", "./dist/tracing.js", "dist/main.js"]
