FROM debian:12 AS base
RUN apt-get update && apt-get install -y ca-certificates curl

FROM base AS test
RUN apt-get install -y bats
COPY . /src
RUN bats /src/test

FROM base
COPY app /usr/local/bin/app
USER 1000
CMD ["app"]
