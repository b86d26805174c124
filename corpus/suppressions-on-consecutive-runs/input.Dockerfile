FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
# dfix: ignore=apt-get-install-recommends
RUN apt-get update && apt-get install -y git
