FROM debian:12-slim
# Runtime dependencies
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      # TLS roots
      ca-certificates \
      # fetching
      curl \
 && rm -rf /var/lib/apt/lists/*
COPY app /usr/local/bin/app
USER 65532
ENTRYPOINT ["app"]
