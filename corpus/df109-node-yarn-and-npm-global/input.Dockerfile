FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production
COPY . .
RUN npm install -g pm2@5
USER node
CMD ["pm2-runtime", "server.js"]
