# escape=`
FROM alpine:3.20 AS build
RUN apk add `
        build-base `
        cmake
COPY . /src
RUN cmake -S /src -B /out && cmake --build /out

FROM debian:12-slim
RUN apt-get update `
    && apt-get install -y libstdc++6 `
    && ldconfig
COPY --from=build /out/app /usr/local/bin/app
USER 1000
CMD ["app"]
