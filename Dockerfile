# Veille's image: one image for every role (veille start --only scheduler|poll|store).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY bench ./bench
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
COPY config ./config
ENV NODE_ENV=production LOG_FORMAT=json
VOLUME ["/app/data"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["start"]
