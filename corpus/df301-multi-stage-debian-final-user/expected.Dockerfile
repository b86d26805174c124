# Build in one stage, ship in another: only the shipped stage gets a user.
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/server ./cmd/server

FROM debian:12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY --from=build /out/server /srv/server
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --create-home \
        --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /srv/data && chown 10001:10001 /srv/data \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
VOLUME /srv/data
EXPOSE 8080
# start the server
CMD ["/srv/server"]
