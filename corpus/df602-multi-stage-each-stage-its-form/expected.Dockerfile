FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY . .
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN go build -o /out/app ./cmd/app && go version -m /out/app | sed -n '2,$p' > /out/app.deps
SHELL ["/bin/sh", "-c"]

FROM build AS test
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN go test ./... 2>&1 | tee /out/test.log
SHELL ["/bin/sh", "-c"]

FROM alpine:3.20 AS certs
RUN set -o pipefail && apk add --no-cache ca-certificates && cat /etc/ssl/certs/*.pem | sha256sum > /certs.sum

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
COPY --from=certs /etc/ssl/certs /etc/ssl/certs
ENTRYPOINT ["/app"]
