FROM debian:12 AS tools
# as root: sudo and its options removed (unsafe fix)
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# another user: reported, not fixed
RUN sudo -u nobody id > /tmp/id.txt \
    && useradd --no-log-init --uid 10001 --create-home builder

FROM tools AS build
USER builder
WORKDIR /home/builder
# as builder: reported, not fixed
RUN sudo make -C /src install

# the shipped stage: scratch, so the users family's other rules have nothing to add
FROM scratch
COPY --from=build /etc/ssl/certs /etc/ssl/certs
USER 10001:10001
