FROM ubuntu:22.04

RUN apt-get update -y \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* #!COMMIT
ENTRYPOINT ["/makisu-internal/makisu"]
