FROM debian:12-slim
RUN ["apt-get", "install", "curl"]
ONBUILD RUN apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
SHELL ["/bin/bash", "-o", "errexit", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget
