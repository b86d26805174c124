# escape=`
FROM alpine:3.20 AS build
RUN apk add --no-cache `
        build-base `
        cmake
COPY . /src
RUN cmake -S /src -B /out && cmake --build /out

FROM debian:12-slim
RUN apt-get update `
    && apt-get install -y --no-install-recommends libstdc++6 `
    && ldconfig `
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/app /usr/local/bin/app
USER 1000
CMD ["app"]
