FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg && rm -rf /var/lib/apt/lists/*
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# the signing key
RUN curl -fsSL https://download.docker.com/linux/debian/gpg | gpg --dearmor -o /usr/share/keyrings/docker.gpg \
    && chmod 0644 /usr/share/keyrings/docker.gpg

RUN curl -fsSL https://example.com/cli.tgz | tar -xz -C /usr/local/bin && cli --version
RUN curl -fsSL https://example.com/completion.sh | sed 's/^#!.*//' > /etc/bash_completion.d/cli \
    && chmod 0644 /etc/bash_completion.d/cli
SHELL ["/bin/sh", "-c"]
RUN mkdir -p /workspace /workspace/plugins && chmod 0777 /workspace
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/plugins.tgz \
    | tar -xz -C /workspace/plugins && ls /workspace/plugins
SHELL ["/bin/sh", "-c"]
WORKDIR /workspace
