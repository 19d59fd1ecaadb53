# The platform's one image: the API and the workers run from it with different commands.
FROM node:20-bookworm-slim

# Chromium for the browser probes / JS-rendered pages (Playwright drives it via CHROMIUM_PATH).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Workflow code bundled once at build time; workers load it instead of bundling at start.
RUN npx tsx workers/build-bundle.ts /app/dist/workflow-bundle.js

ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    API_HOST=0.0.0.0
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["npx", "tsx", "api/main.ts"]
