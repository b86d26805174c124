FROM alpine:3.20
RUN apk update
COPY requirements.txt /src/
RUN apk add curl
