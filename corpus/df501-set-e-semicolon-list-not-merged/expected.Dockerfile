FROM debian:bookworm-slim
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends gcc libc6-dev make && \
    rm -rf /var/lib/apt/lists/*
COPY src/ /usr/src/app/
RUN make -C /usr/src/app && make -C /usr/src/app install \
    && apt-get purge -y --auto-remove gcc libc6-dev make
