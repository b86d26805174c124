FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production && yarn cache clean
COPY . .
RUN npm install -g pm2@5 && npm cache clean --force
USER node
CMD ["pm2-runtime", "server.js"]
