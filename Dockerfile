# The platform's one image: the API, the workers and the setup job run from it with different
# commands, all plain `node dist/…` (compiled JavaScript, no tsx at run time).

# --- build: compile TypeScript and bundle the workflow code once -------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc with tsconfig.build.json (type-checked) into dist/, and dist/workflow-bundle.js
RUN npm run build

# --- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim
# Chromium for the browser probes / JS-rendered pages (Playwright drives it via CHROMIUM_PATH).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

# Workers load the prebuilt bundle instead of bundling at start. Metrics listen on every
# interface of the container (its private network; the ports are not published): API_METRICS_PORT
# and WORKER_METRICS_PORT are set per service in docker-compose.yml.
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    API_HOST=0.0.0.0 \
    METRICS_HOST=0.0.0.0
USER node
# tini forwards SIGTERM to node, which drains (API: requests in flight; worker: running tasks,
# WORKER_SHUTDOWN_GRACE_SECONDS) before the container's stop timeout.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/main.js"]
