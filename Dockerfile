# Enroll API (with the built portal once it exists). Build: docker compose build
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run-many -t build --outputStyle=static && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production ENROLL_DATA_DIR=/data PORT=3000
VOLUME /data
EXPOSE 3000 3443
USER node
CMD ["node", "apps/api/dist/main.js"]
