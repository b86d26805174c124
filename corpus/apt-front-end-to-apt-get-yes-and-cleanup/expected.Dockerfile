FROM ubuntu:24.04
RUN apt-get update && apt-get -o APT::Keep-Downloaded-Packages=false install -y --no-install-recommends python3-venv && rm -rf /var/lib/apt/lists/*
USER ubuntu
