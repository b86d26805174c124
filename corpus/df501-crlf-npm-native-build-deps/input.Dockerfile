FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
RUN apt-get purge -y python3 make g++
COPY . .
USER node
CMD ["node", "server.js"]
