# syntax=docker/dockerfile:1
FROM debian:bookworm AS build
RUN <<EOF
set -eux
apt-get update
EOF
COPY <<-"CONF" /etc/app.conf
	key = value
	CONF
RUN <<A cat - && cat /dev/fd/3 3<<'B' >/out
first $HOME
A
second $HOME
B
ONBUILD RUN <<X
echo onbuild
X
RUN ["sh", "-c", "echo <<NOTAHEREDOC"]
