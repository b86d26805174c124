FROM mcr.microsoft.com/devcontainers/base:ubuntu-24.04
USER vscode
RUN sudo apt-get update \
    && sudo apt-get install -y --no-install-recommends shellcheck \
    && sudo rm -rf /var/lib/apt/lists/*
