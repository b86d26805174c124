FROM alpine:3.20
RUN apk add --no-cache bash curl
SHELL ["/bin/bash", "-c"]
RUN set -o pipefail && curl -fsSL https://example.com/tool.tgz | tar -xz -C /usr/local/bin
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN wget -qO- https://example.com/other.tgz | tar -xz -C /opt
