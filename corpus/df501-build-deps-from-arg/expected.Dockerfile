FROM debian:bookworm-slim
ARG BUILD_DEPS="gcc make libc6-dev"
RUN apt-get update && apt-get install -y --no-install-recommends $BUILD_DEPS && rm -rf /var/lib/apt/lists/*
COPY . /usr/src/app
RUN make -C /usr/src/app install \
    && apt-get purge -y --auto-remove $BUILD_DEPS && rm -rf /var/lib/apt/lists/*
CMD ["app"]
