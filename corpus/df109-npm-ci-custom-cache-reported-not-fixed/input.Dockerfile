FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --cache .npm --prefer-offline --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
