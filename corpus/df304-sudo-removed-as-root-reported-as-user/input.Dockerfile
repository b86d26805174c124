FROM debian:12 AS build
RUN useradd --no-log-init --uid 10001 --create-home builder
USER builder
WORKDIR /home/builder
# as builder: reported, not fixed
RUN sudo make -C /src install

FROM debian:12
# as root: sudo and its options removed (unsafe fix)
RUN sudo -E apt-get update \
    && sudo -u root apt-get install -y --no-install-recommends ca-certificates \
    && sudo rm -rf /var/lib/apt/lists/*
# another user: reported, not fixed
RUN sudo -u nobody id > /tmp/id.txt \
    && useradd --no-log-init --uid 10001 --shell /usr/sbin/nologin app
USER 10001:10001
