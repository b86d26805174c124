FROM debian:bookworm-slim
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /opt/bin \
    && ( curl -fsSLo /opt/bin/kubectl https://dl.k8s.io/release/v1.30.2/bin/linux/amd64/kubectl; chmod 0755 /opt/bin/kubectl )
RUN useradd --create-home --uid 10001 deploy
USER deploy
