FROM debian:12-slim
RUN apt-get update && apt-get install curl ca-certificates
WORKDIR /app
COPY . .
USER 1000
CMD ["./run.sh"]
