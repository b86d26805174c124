FROM ubuntu:24.04
LABEL org.opencontainers.image.source="https://github.com/example/tool"
# the web UI
EXPOSE 8080
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
CMD ["tool", "serve"]
