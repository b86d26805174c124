FROM debian:12
# hadolint ignore=DL3008,DL3009
RUN apt-get update && apt-get install -y curl
WORKDIR /opt
# dfix: ignore=apt-get-install-recommends
RUN apt-get update && apt-get install -y git
ENV GIT_TERMINAL_PROMPT=0
# The comment block counts as a whole:
# dfix: ignore[DF101]
RUN apt-get update && apt-get install jq
