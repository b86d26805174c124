FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY gcc-wrapper /usr/bin/gcc
COPY hello.c /src/
RUN gcc -O2 -o /usr/local/bin/hello /src/hello.c \
    && apt-get purge -y --auto-remove gcc libc6-dev
CMD ["hello"]
