FROM debian:12
# hadolint ignore=DL3008,DL3009
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl
WORKDIR /opt
# dfix: ignore=apt-get-install-recommends
RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*
ENV GIT_TERMINAL_PROMPT=0
# The comment block counts as a whole:
# dfix: ignore[DF101]
RUN apt-get update && apt-get install --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
