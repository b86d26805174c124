FROM debian:12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends gosu \
    && rm -rf /var/lib/apt/lists/*
COPY docker-entrypoint.sh /usr/local/bin/
# the entrypoint chowns /data, then drops to the app user with gosu
ENTRYPOINT ["gosu", "app", "/usr/local/bin/docker-entrypoint.sh"]
