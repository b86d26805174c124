FROM ubuntu:22.04
RUN apt-get update \
    && apt upgrade -y \
    && apt-get -o APT::Keep-Downloaded-Packages=false install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
