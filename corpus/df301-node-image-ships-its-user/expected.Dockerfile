FROM node:20-bookworm-slim
WORKDIR /usr/src/app
COPY package*.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
RUN mkdir -p /usr/src/app && chown 1000:1000 /usr/src/app \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 1000:1000
EXPOSE 3000
CMD ["node", "server.js"]
