FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN ( apt-get update && apt-get install -y --no-install-recommends python3 make g++ ) \
    && npm ci --omit=dev \
    && apt-get purge -y python3 make g++ \
    && rm -rf /var/lib/apt/lists/* \
    && npm cache clean --force
COPY . .
USER node
CMD ["node", "server.js"]
