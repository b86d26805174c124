# escape=`
FROM ubuntu:22.04
RUN apt-get update && `
    apt-get -o APT::Keep-Downloaded-Packages=false install -y --no-install-recommends ca-certificates python3 && `
    python3 --version && `
    rm -rf /var/lib/apt/lists/*
