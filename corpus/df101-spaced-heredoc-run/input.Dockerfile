# syntax=docker/dockerfile:1
FROM debian:12
RUN << EOF
set -eux
apt-get update
apt-get install --no-install-recommends curl ca-certificates
rm -rf /var/lib/apt/lists/*
EOF
COPY << "EOF" /etc/app.conf
listen = 8080
EOF
USER 1000
