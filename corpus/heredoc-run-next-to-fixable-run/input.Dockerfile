# syntax=docker/dockerfile:1
FROM debian:12
RUN <<EOF
set -eux
apt-get update
apt-get install curl ca-certificates
EOF
RUN apt-get update && apt-get install -y jq
COPY <<EOF /etc/app.conf
listen = 8080
EOF
USER 1000
