FROM ubuntu:24.04
RUN sudo apt update && sudo apt install -y --no-install-recommends htop && rm -rf /var/lib/apt/lists/*
