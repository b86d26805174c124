FROM node:20-alpine
WORKDIR /app
COPY . .
RUN npm ci --omit=dev && npm cache clean --force
CMD ["node", "index.js"]
