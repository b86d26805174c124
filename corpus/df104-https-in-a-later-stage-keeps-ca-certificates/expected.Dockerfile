FROM buildpack-deps:bookworm-curl AS base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates samba smbclient && rm -rf /var/lib/apt/lists/*

FROM base
RUN curl -fsSL -o /usr/local/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini \
    && chmod +x /usr/local/bin/tini
ENTRYPOINT ["/usr/local/bin/tini", "--", "smbd", "--foreground"]
