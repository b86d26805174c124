# syntax=docker/dockerfile:1
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY hello.c /src/hello.c
RUN <<EOF
set -eux
gcc -O2 -o /usr/local/bin/hello /src/hello.c
strip /usr/local/bin/hello
EOF
RUN apt-get purge -y --auto-remove gcc libc6-dev
CMD ["hello"]
