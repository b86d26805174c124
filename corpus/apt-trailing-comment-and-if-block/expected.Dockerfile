FROM debian:12
ARG WITH_DEBUG=0
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* # for the healthcheck
RUN if [ "$WITH_DEBUG" = 1 ]; then \
        apt-get update && apt-get install -y --no-install-recommends gdb; \
    fi && \
        rm -rf /var/lib/apt/lists/*
