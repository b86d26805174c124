FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        curl \
        git \
        openssh-client \
    && rm -rf /var/lib/apt/lists/*
# curl's install above keeps bringing ca-certificates (recommended, or named by its own fix).
RUN apt-get update && apt-get install -y --no-install-recommends jq wget && rm -rf /var/lib/apt/lists/*
WORKDIR /src
