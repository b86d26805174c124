FROM debian:bookworm-slim
COPY src/ /app/src/
RUN ( apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev ) \
    && ( export CFLAGS='-O2 -pipe' PREFIX=/usr/local && make -C /app/src install ) \
    && ( export CFLAGS='-O2 -pipe' PREFIX=/usr/local && apt-get purge -y --auto-remove gcc make libc6-dev ) \
    && rm -rf /var/lib/apt/lists/*
ENV CFLAGS="-O2 -pipe" PREFIX=/usr/local
CMD ["app"]
