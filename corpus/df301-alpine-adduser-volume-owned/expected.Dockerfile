FROM alpine:3.20
RUN apk add --no-cache curl
WORKDIR /app
COPY run.sh .
RUN addgroup -S -g 10001 app \
    && adduser -S -D -u 10001 -G app -h /home/app -s /sbin/nologin app \
    && mkdir -p /app /app/data && chown 10001:10001 /app /app/data \
    && find / -xdev -perm /6000 -type f -exec chmod a-s {} +
USER 10001:10001
VOLUME /app/data
ENTRYPOINT ["./run.sh"]
