FROM debian:12-slim
# Runtime dependencies
RUN apt-get update \
 && apt-get install \
      # TLS roots
      ca-certificates \
      # fetching
      curl
COPY app /usr/local/bin/app
USER 65532
ENTRYPOINT ["app"]
