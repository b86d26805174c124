FROM alpine:3.20
RUN apk add --no-cache curl
WORKDIR /app
COPY run.sh .
VOLUME /app/data
ENTRYPOINT ["./run.sh"]
