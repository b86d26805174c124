FROM debian:bookworm-slim
ENV buildDeps="gcc make libc6-dev wget ca-certificates"
RUN ( apt-get update && apt-get install -y --no-install-recommends $buildDeps ) \
    && wget -O /tmp/redis.tar.gz https://download.redis.io/releases/redis-7.2.4.tar.gz \
    && tar -xzf /tmp/redis.tar.gz -C /usr/src \
    && make -C /usr/src/redis-7.2.4 install \
    && apt-get purge -y --auto-remove $buildDeps \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 6379
CMD ["redis-server"]
