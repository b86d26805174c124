FROM ubuntu:22.04
RUN apt-get update \
    && apt upgrade -y \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
