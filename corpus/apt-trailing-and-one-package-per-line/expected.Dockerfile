FROM ubuntu:24.04
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && \
    apt-get install -y --no-install-recommends \
        ca-certificates \
        build-essential \
        curl \
        git \
        libssl-dev && \
    apt-get clean && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
