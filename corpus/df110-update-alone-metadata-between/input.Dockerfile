FROM ubuntu:24.04
LABEL org.opencontainers.image.source="https://github.com/example/tool"
RUN apt-get update
# the web UI
EXPOSE 8080
RUN apt-get install -y --no-install-recommends ca-certificates curl
CMD ["tool", "serve"]
