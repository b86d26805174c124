FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps build-base cmake git \
    && adduser -D builder
USER builder
WORKDIR /home/builder
RUN git clone --depth 1 --branch json-c-0.17-20230812 https://github.com/json-c/json-c.git \
    && cmake -S json-c -B json-c/build \
    && cmake --build json-c/build
USER root
RUN cmake --install /home/builder/json-c/build \
    && apk del .build-deps
