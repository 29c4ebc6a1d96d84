# vialcart in production: one image, run as an app process (`npm run serve`), a job worker
# (`npm run worker`) or the release step (`npm run db:migrate`). docs/deploy.md has the topology;
# compose.yaml runs two of each against one PostgreSQL.

# 1. Dependencies and the Remix build (the build needs the dev dependencies).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# 2. The runtime: production dependencies, the build, the sources the server runs with tsx.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    JOBS=0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/build ./build
COPY --from=build --chown=node:node /app/public ./public
COPY --chown=node:node package.json package-lock.json tsconfig.json remix.config.js ./
COPY --chown=node:node app ./app
COPY --chown=node:node db ./db
COPY --chown=node:node validators ./validators
COPY --chown=node:node pharmacies ./pharmacies
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "run", "serve"]
