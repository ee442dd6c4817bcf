# One image for every deployable; docker-compose picks the entry point per service.
# The repository is one npm workspace: each package's package.json comes first so `npm ci` links them.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY kit/package.json kit/
COPY demo/package.json demo/
COPY gateway/package.json gateway/
COPY subgraphs/identity/package.json subgraphs/identity/
COPY subgraphs/sales/package.json subgraphs/sales/
COPY subgraphs/marketing/package.json subgraphs/marketing/
COPY subgraphs/service/package.json subgraphs/service/
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:22-slim
# production: @crm/kit and @crm/demo resolve to their compiled dist/ (see kit/package.json "exports"); the runtime
# flags every service runs with are scripts/node-flags.ts's (why there).
ENV NODE_ENV=production NODE_OPTIONS="--conditions=production --experimental-async-context-frame --max-semi-space-size=64"
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/kit/package.json kit/
COPY --from=build /app/kit/dist kit/dist
COPY --from=build /app/demo/package.json demo/
COPY --from=build /app/demo/dist demo/dist
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/subgraphs/identity/package.json subgraphs/identity/
COPY --from=build /app/subgraphs/sales/package.json subgraphs/sales/
# The fonts of quote PDFs (Czech and Polish letters), read from the sales package's folder.
COPY --from=build /app/subgraphs/sales/assets subgraphs/sales/assets
COPY --from=build /app/subgraphs/marketing/package.json subgraphs/marketing/
COPY --from=build /app/subgraphs/service/package.json subgraphs/service/
RUN npm ci --omit=dev --omit=optional --ignore-scripts
COPY --from=build /app/dist ./dist
# The live dashboard's static files (vite build), served by the gateway under /dashboard.
COPY --from=build /app/dashboard/dist ./dashboard/dist
COPY schema ./schema
USER node
