FROM alpine:3.20
RUN set -o pipefail && wget -qO- https://github.com/cli/cli/releases/download/v2.52.0/gh_2.52.0_linux_amd64.tar.gz | tar -xz -C /opt
RUN set -o pipefail && wget -qO- https://get.helm.sh/helm-v3.15.2-linux-amd64.tar.gz | tar -xz -C /usr/local/bin --strip-components=1 linux-amd64/helm
ENTRYPOINT ["/bin/sh"]
