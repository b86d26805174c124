FROM debian:bookworm-slim
SHELL ["/bin/sh", "-eux", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends curl xz-utils && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://example.com/tool.tar.xz | tar -xJ -C /usr/local
RUN tool --version
SHELL ["/bin/sh", "-l", "-c"]
RUN curl -fsSL https://example.com/profile.sh | sh
