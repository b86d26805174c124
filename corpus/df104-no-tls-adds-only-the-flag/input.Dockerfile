FROM debian:12 AS tools
RUN apt-get update && apt-get install -y htop openssl procps && rm -rf /var/lib/apt/lists/*

FROM debian:12
COPY --from=tools /usr/bin/htop /usr/bin/htop
RUN curl -fsSL https://example.com/health || true
