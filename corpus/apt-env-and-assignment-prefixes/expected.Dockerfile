FROM ubuntu:24.04
RUN env DEBIAN_FRONTEND=noninteractive apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get -qy install --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*
