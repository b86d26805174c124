FROM ubuntu:24.04
RUN sudo apt-get update && sudo apt-get -o APT::Keep-Downloaded-Packages=false install -y --no-install-recommends htop && rm -rf /var/lib/apt/lists/*
