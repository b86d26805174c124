# syntax=docker/dockerfile:1
FROM alpine:3.20 AS build
RUN --mount=type=cache,target=/var/cache/apk \
    apk add build-base linux-headers
RUN apk add --no-cache --virtual .fetch-deps curl tar \
    && curl -fsSLo /tmp/src.tgz https://example.com/src.tgz \
    && tar -xzf /tmp/src.tgz -C /usr/src \
    && apk del .fetch-deps

FROM alpine:3.20
RUN apk add --no-cache tini
COPY --from=build /usr/local/bin/app /usr/local/bin/app
USER 65534
ENTRYPOINT ["/sbin/tini", "--", "app"]
