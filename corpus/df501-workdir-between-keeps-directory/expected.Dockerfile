FROM debian:bookworm-slim
WORKDIR /build
WORKDIR /src
COPY input.txt ./
RUN ( mkdir -p /build && cd -P /build && unset OLDPWD && apt-get update && apt-get install -y --no-install-recommends xz-utils && touch installed.marker ) \
    && xz -k input.txt && ls > listing.txt \
    && apt-get purge -y xz-utils \
    && rm -rf /var/lib/apt/lists/*
