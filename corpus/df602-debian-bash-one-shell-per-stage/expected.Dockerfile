FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl xz-utils && rm -rf /var/lib/apt/lists/*
ENV NODE_VERSION=20.15.0
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" | tar -xJ -C /usr/local --strip-components=1
SHELL ["/bin/sh", "-c"]
WORKDIR /app
RUN node --version | grep -qx "v${NODE_VERSION}"
CMD ["node"]
