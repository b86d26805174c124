FROM alpine:3.20 AS helm
RUN apk add --no-cache curl tar
ARG HELM_VERSION=3.15.2
RUN set -o pipefail && curl -fsSL "https://get.helm.sh/helm-v${HELM_VERSION}-linux-amd64.tar.gz" | tar -xz -C /usr/local/bin --strip-components=1 linux-amd64/helm

FROM alpine:3.20
COPY --from=helm /usr/local/bin/helm /usr/local/bin/helm
RUN helm version --short | grep -q '^v3\.'
ENTRYPOINT ["helm"]
