FROM debian:12-slim
RUN apt-get -qq update \
    && apt-get -qq install --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
