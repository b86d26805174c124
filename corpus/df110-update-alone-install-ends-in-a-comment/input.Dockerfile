FROM ubuntu:22.04

RUN apt-get update -y
RUN apt-get install -y --no-install-recommends ca-certificates #!COMMIT
ENTRYPOINT ["/makisu-internal/makisu"]
